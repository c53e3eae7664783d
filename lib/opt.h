/* lib/opt.h - option tables on top of getopt_long */
#ifndef STANZA_LIB_OPT_H
#define STANZA_LIB_OPT_H

#include <stdbool.h>
#include <stddef.h>

enum opt_type {
    OPT_T_END,
    OPT_T_BOOL,    /* bool *: set to true */
    OPT_T_COUNT,   /* int *: incremented (-vv) */
    OPT_T_STRING,  /* const char **: the argument, borrowed from argv */
    OPT_T_INT,     /* long *: a decimal integer >= 0 */
    OPT_T_SECONDS, /* long *: seconds (decimals allowed), stored in ms */
    OPT_T_SETINT,  /* int *: set to defval (--json sets the output mode) */
    OPT_T_CHOICE,  /* int *: index of the argument in choices[] */
    OPT_T_LIST,    /* struct opt_list *: every argument, in order */
};

/* The arguments of a repeatable option (--group a --group b); the strings
 * are borrowed from argv, the array is freed with opt_list_free(). */
struct opt_list {
    const char **v;
    size_t n;
};

/* Frees @l's array (not the strings, which belong to argv). */
void opt_list_free(struct opt_list *l);

#define OPT_F_COMMON 1u /* listed under "Common options" in --help */
#define OPT_F_HIDDEN 2u /* not listed in --help */

struct opt {
    enum opt_type type;
    int short_name; /* 0 if none */
    const char *long_name;
    void *value;
    const char *argh; /* argument name in --help, NULL if none */
    const char *help;
    long defval;
    const char *const *choices; /* OPT_T_CHOICE: NULL-terminated */
    unsigned flags;
};

#define OPT_BOOL(s, l, v, h)                             \
    {                                                    \
        OPT_T_BOOL, (s), (l), (v), NULL, (h), 0, NULL, 0 \
    }
#define OPT_COUNT(s, l, v, h)                             \
    {                                                     \
        OPT_T_COUNT, (s), (l), (v), NULL, (h), 0, NULL, 0 \
    }
#define OPT_STRING(s, l, v, a, h)                         \
    {                                                     \
        OPT_T_STRING, (s), (l), (v), (a), (h), 0, NULL, 0 \
    }
#define OPT_INT(s, l, v, a, h)                         \
    {                                                  \
        OPT_T_INT, (s), (l), (v), (a), (h), 0, NULL, 0 \
    }
#define OPT_SECONDS(s, l, v, h)                                  \
    {                                                            \
        OPT_T_SECONDS, (s), (l), (v), "seconds", (h), 0, NULL, 0 \
    }
#define OPT_SETINT(s, l, v, val, h)                            \
    {                                                          \
        OPT_T_SETINT, (s), (l), (v), NULL, (h), (val), NULL, 0 \
    }
#define OPT_CHOICE(s, l, v, a, c, h)                     \
    {                                                    \
        OPT_T_CHOICE, (s), (l), (v), (a), (h), 0, (c), 0 \
    }
#define OPT_LIST(s, l, v, a, h)                         \
    {                                                   \
        OPT_T_LIST, (s), (l), (v), (a), (h), 0, NULL, 0 \
    }
#define OPT_END()                                        \
    {                                                    \
        OPT_T_END, 0, NULL, NULL, NULL, NULL, 0, NULL, 0 \
    }

/*
 * Parses options from @argv[1..] against @opts; stops at the first
 * non-option (POSIX order) or "--". -h/--help prints the usage on stdout
 * and exits 0; --list-options prints the long option names and exits 0.
 * Returns the number of remaining arguments and moves them to argv[0..],
 * or -1 after printing an error (the caller exits RC_USAGE).
 */
int opt_parse(int argc, char **argv, const struct opt *opts,
              const char *const *usage);

/*
 * The same, but options may also follow arguments (GNU order: "cmd run
 * JID NODE --field x=1"); "--" still ends them. For commands whose
 * arguments never start with '-' (JIDs, nodes, verbs).
 */
int opt_parse_mixed(int argc, char **argv, const struct opt *opts,
                    const char *const *usage);

/* A subcommand of a command that has them ("stanza roster add"). */
struct opt_verb {
    const char *name;
    const char *usage;          /* its synopsis line */
    const char *const *options; /* the long names of its own options
                                   (NULL-terminated; NULL: none) */
};

/*
 * Parses "CMD [options] [VERB] [options] ARGS" against @opts, the rows
 * of every subcommand and the common ones (OPT_F_COMMON, taken by all).
 * Options may come before the subcommand and after it; those before it
 * must be ones it takes. Without a subcommand name first, the subcommand
 * is verbs[@dflt] (-1: that is a usage error). Sets *@verb, and the
 * program name for messages to "PROG VERB". "CMD --list-commands"
 * prints the names and exits 0; --help and --list-options after VERB
 * are VERB's. Returns the arguments left (moved to argv[0..]), or -1
 * after printing an error.
 */
int opt_parse_verbs(int argc, char **argv, const struct opt *opts,
                    const struct opt_verb *verbs, size_t nverbs, int dflt,
                    int *verb);

/* Prints the usage lines and options to stdout. */
void opt_help(const struct opt *opts, const char *const *usage);

/* Prints "PROG: MSG" and the usage lines on stderr; returns RC_USAGE. */
int opt_usage_error(const char *const *usage, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
