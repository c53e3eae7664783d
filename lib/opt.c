/* lib/opt.c - option tables on top of getopt_long */
#include "opt.h"

#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "err.h"
#include "rc.h"

#define LONG_HELP 0x10000
#define LONG_LIST 0x10001
#define LONG_BASE 0x20000 /* long-only options: LONG_BASE + index */

static size_t count_opts(const struct opt *opts)
{
    size_t n = 0;

    while (opts[n].type != OPT_T_END)
        n++;
    return n;
}

static void print_choices(FILE *f, const char *const *c)
{
    for (size_t i = 0; c[i]; i++)
        fprintf(f, "%s%s", i ? "|" : "", c[i]);
}

static void print_opt(const struct opt *o)
{
    char left[64];
    int n;

    if (o->short_name)
        n = snprintf(left, sizeof(left), "  -%c, --%s", o->short_name,
                     o->long_name);
    else
        n = snprintf(left, sizeof(left), "      --%s", o->long_name);
    if (o->argh && n > 0 && (size_t)n < sizeof(left))
        snprintf(left + n, sizeof(left) - (size_t)n, " <%s>", o->argh);
    if (strlen(left) > 28)
        printf("%s\n%30s", left, "");
    else
        printf("%-30s", left);
    printf("%s", o->help);
    if (o->type == OPT_T_CHOICE) {
        printf(" (");
        print_choices(stdout, o->choices);
        printf(")");
    }
    printf("\n");
}

static void print_section(const struct opt *opts, unsigned want)
{
    for (const struct opt *o = opts; o->type != OPT_T_END; o++) {
        if (o->flags & OPT_F_HIDDEN)
            continue;
        if ((o->flags & OPT_F_COMMON) == want)
            print_opt(o);
    }
}

void opt_help(const struct opt *opts, const char *const *usage)
{
    for (size_t i = 0; usage[i]; i++)
        printf("%s%s\n", i ? "   or: " : "usage: ", usage[i]);
    printf("\nOptions:\n");
    print_section(opts, 0);
    printf("  -h, --help                  show this help\n");
    printf("\nCommon options:\n");
    print_section(opts, OPT_F_COMMON);
}

int opt_usage_error(const char *const *usage, const char *fmt, ...)
{
    char buf[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    fprintf(stderr, "%s: %s\n", err_prog(), buf);
    for (size_t i = 0; usage && usage[i]; i++)
        fprintf(stderr, "%s%s\n", i ? "   or: " : "usage: ", usage[i]);
    fprintf(stderr, "Try '%s --help' for more information.\n", err_prog());
    return RC_USAGE;
}

static int parse_long(const char *name, const char *s, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < 0)
        return fail(RC_USAGE, "option '--%s' expects a number >= 0, not '%s'",
                    name, s);
    *out = v;
    return 0;
}

static int parse_seconds(const char *name, const char *s, long *out)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || !isfinite(v) || v < 0 || v > 1e7)
        return fail(RC_USAGE, "option '--%s' expects seconds, not '%s'", name,
                    s);
    *out = (long)(v * 1000.0 + 0.5);
    return 0;
}

static int parse_choice(const struct opt *o, const char *s)
{
    for (int i = 0; o->choices[i]; i++) {
        if (strcmp(o->choices[i], s) == 0) {
            *(int *)o->value = i;
            return 0;
        }
    }
    fprintf(stderr, "%s: option '--%s' expects one of ", err_prog(),
            o->long_name);
    print_choices(stderr, o->choices);
    fprintf(stderr, ", not '%s'\n", s);
    return RC_USAGE;
}

static int append(struct opt_list *l, const char *arg)
{
    const char **v = realloc(l->v, (l->n + 1) * sizeof(*v));

    if (!v)
        abort();
    v[l->n++] = arg;
    l->v = v;
    return 0;
}

void opt_list_free(struct opt_list *l)
{
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static int apply(const struct opt *o, const char *arg)
{
    switch (o->type) {
    case OPT_T_BOOL:
        *(bool *)o->value = true;
        return 0;
    case OPT_T_COUNT:
        (*(int *)o->value)++;
        return 0;
    case OPT_T_STRING:
        *(const char **)o->value = arg;
        return 0;
    case OPT_T_INT:
        return parse_long(o->long_name, arg, o->value);
    case OPT_T_SECONDS:
        return parse_seconds(o->long_name, arg, o->value);
    case OPT_T_SETINT:
        *(int *)o->value = (int)o->defval;
        return 0;
    case OPT_T_CHOICE:
        return parse_choice(o, arg);
    case OPT_T_LIST:
        return append(o->value, arg);
    case OPT_T_END:
        break;
    }
    return RC_SOFTWARE;
}

static void list_options(const struct opt *opts)
{
    for (const struct opt *o = opts; o->type != OPT_T_END; o++)
        if (!(o->flags & OPT_F_HIDDEN))
            printf("--%s%s\n", o->long_name, o->argh ? "=" : "");
    printf("--help\n");
}

/* For --help: a full disk is an error, a closed pipe is not. */
static int flush_stdout(void)
{
    if (fflush(stdout) == 0 || errno == EPIPE)
        return RC_OK;
    return fail(RC_IOERR, "cannot write the output: %s", strerror(errno));
}

static const struct opt *find(const struct opt *opts, int c)
{
    if (c >= LONG_BASE)
        return &opts[c - LONG_BASE];
    for (const struct opt *o = opts; o->type != OPT_T_END; o++)
        if (o->short_name == c)
            return o;
    return NULL;
}

static const struct opt *find_long(const struct opt *opts, const char *name,
                                   size_t n)
{
    for (const struct opt *o = opts; o->type != OPT_T_END; o++)
        if (strlen(o->long_name) == n && strncmp(o->long_name, name, n) == 0)
            return o;
    return NULL;
}

/* Returns the index of the last argument that is an option or an option's
 * value of this short-option cluster. */
static int skip_short(const struct opt *opts, char **argv, int i)
{
    for (const char *p = argv[i] + 1; *p; p++) {
        const struct opt *o = find(opts, (unsigned char)*p);

        if (o && o->argh)
            return p[1] ? i : i + 1;
    }
    return i;
}

/*
 * getopt_long() accepts any unique prefix of a long option ("--ty" for
 * "--type"); we do not, so that adding an option never breaks a script.
 */
static int check_exact(const struct opt *opts, int argc, char **argv,
                       bool mixed)
{
    for (int i = 1; i < argc; i++) {
        const char *a = argv[i];
        size_t n;
        const struct opt *o;

        if (strcmp(a, "--") == 0)
            return 0;
        if (a[0] != '-' || a[1] == '\0') {
            if (!mixed)
                return 0;
            continue;
        }
        if (a[1] != '-') {
            i = skip_short(opts, argv, i);
            continue;
        }
        n = strcspn(a + 2, "=");
        if ((n == 4 && !strncmp(a + 2, "help", 4)) ||
            (n == 12 && !strncmp(a + 2, "list-options", 12)))
            continue;
        if (!(o = find_long(opts, a + 2, n)))
            return opt_usage_error(NULL, "unknown option '%.*s'", (int)n + 2,
                                   a);
        if (o->argh && !a[2 + n])
            i++;
    }
    return 0;
}

static void build(const struct opt *opts, size_t n, struct option *lo, char *so,
                  bool mixed)
{
    size_t k = 0;

    if (!mixed)
        *so++ = '+';
    *so++ = ':';
    *so++ = 'h';
    for (size_t i = 0; i < n; i++) {
        const struct opt *o = &opts[i];
        int has_arg = o->argh ? required_argument : no_argument;

        lo[i] = (struct option){ o->long_name, has_arg, NULL,
                                 o->short_name ? o->short_name
                                               : (int)(LONG_BASE + i) };
        if (o->short_name) {
            so[k++] = (char)o->short_name;
            if (has_arg)
                so[k++] = ':';
        }
    }
    so[k] = '\0';
    lo[n] = (struct option){ "help", no_argument, NULL, LONG_HELP };
    lo[n + 1] = (struct option){ "list-options", no_argument, NULL, LONG_LIST };
    lo[n + 2] = (struct option){ NULL, 0, NULL, 0 };
}

static int bad_option(char **argv, int c)
{
    const char *arg = argv[optind - 1];

    if (c == ':')
        return opt_usage_error(NULL, "option '%s' requires an argument", arg);
    if (optopt && optopt < 256 && strncmp(arg, "--", 2) != 0)
        return opt_usage_error(NULL, "unknown option '-%c'", optopt);
    return opt_usage_error(NULL, "unknown option '%s'", arg);
}

static int parse(int argc, char **argv, const struct opt *opts,
                 const char *const *usage, bool mixed)
{
    size_t n = count_opts(opts);
    struct option *lo = calloc(n + 3, sizeof(*lo));
    char *so = calloc(2 * n + 5, 1);
    int c, rc = 0;

    if (!lo || !so)
        abort();
    build(opts, n, lo, so, mixed);
    if (check_exact(opts, argc, argv, mixed) != 0) {
        free(lo);
        free(so);
        return -1;
    }
    optind = 0;
    opterr = 0;
    while (rc == 0 && (c = getopt_long(argc, argv, so, lo, NULL)) != -1) {
        const struct opt *o;

        if (c == 'h' || c == LONG_HELP) {
            opt_help(opts, usage);
            exit(flush_stdout());
        } else if (c == LONG_LIST) {
            list_options(opts);
            exit(flush_stdout());
        } else if (c == '?' || c == ':' || !(o = find(opts, c))) {
            rc = bad_option(argv, c);
        } else {
            rc = apply(o, optarg);
        }
    }
    free(lo);
    free(so);
    if (rc)
        return -1;
    memmove(argv, argv + optind, (size_t)(argc - optind) * sizeof(*argv));
    argv[argc - optind] = NULL;
    return argc - optind;
}

int opt_parse(int argc, char **argv, const struct opt *opts,
              const char *const *usage)
{
    return parse(argc, argv, opts, usage, false);
}

int opt_parse_mixed(int argc, char **argv, const struct opt *opts,
                    const char *const *usage)
{
    return parse(argc, argv, opts, usage, true);
}

/* --- commands with subcommands -------------------------------------- */

static bool verb_takes(const struct opt_verb *v, const struct opt *o)
{
    if (o->flags & OPT_F_COMMON)
        return true;
    for (const char *const *n = v->options; n && *n; n++)
        if (strcmp(*n, o->long_name) == 0)
            return true;
    return false;
}

/* The rows of @opts that @v takes; the caller frees it. */
static struct opt *verb_table(const struct opt *opts, const struct opt_verb *v)
{
    size_t n = count_opts(opts), k = 0;
    struct opt *t = calloc(n + 1, sizeof(*t));

    if (!t)
        abort();
    for (size_t i = 0; i < n; i++)
        if (verb_takes(v, &opts[i]))
            t[k++] = opts[i];
    t[k] = (struct opt)OPT_END();
    return t;
}

static int not_taken(const struct opt_verb *v, const struct opt *o)
{
    return opt_usage_error(NULL, "'%s' does not take --%s", v->name,
                           o->long_name);
}

/* Checks the options in @words[0..@n) (parsed already) against @v. */
static int check_taken(const struct opt *opts, const struct opt_verb *v,
                       char **words, int n)
{
    for (int i = 0; i < n; i++) {
        const char *w = words[i];
        const struct opt *o;

        if (w[0] != '-' || !w[1])
            continue;
        if (w[1] == '-') {
            size_t len = strcspn(w + 2, "=");

            if (!(o = find_long(opts, w + 2, len)))
                continue; /* --help, --list-options */
            if (!verb_takes(v, o))
                return not_taken(v, o);
            i += o->argh && !w[2 + len];
            continue;
        }
        for (const char *p = w + 1; *p && (o = find(opts, (unsigned char)*p));
             p++) {
            if (!verb_takes(v, o))
                return not_taken(v, o);
            if (o->argh) {
                i += !p[1];
                break;
            }
        }
    }
    return 0;
}

static int find_verb(const struct opt_verb *verbs, size_t nverbs,
                     const char *name)
{
    for (size_t i = 0; i < nverbs; i++)
        if (strcmp(verbs[i].name, name) == 0)
            return (int)i;
    return -1;
}

/* Pass 1: the options before the subcommand, with every subcommand's
 * rows. Returns the arguments left, or -1. */
static int parse_before(int argc, char **argv, const struct opt *opts,
                        const struct opt_verb *verbs, size_t nverbs)
{
    const char **usage = calloc(nverbs + 1, sizeof(*usage));
    int left;

    if (!usage)
        abort();
    for (size_t i = 0; i < nverbs; i++)
        usage[i] = verbs[i].usage;
    left = opt_parse(argc, argv, opts, usage);
    free(usage);
    return left;
}

int opt_parse_verbs(int argc, char **argv, const struct opt *opts,
                    const struct opt_verb *verbs, size_t nverbs, int dflt,
                    int *verb)
{
    static char prog[128];
    const char *usage[2] = { NULL, NULL };
    char **words;
    struct opt *t;
    int left, v, rc;

    if (argc == 2 && strcmp(argv[1], "--list-commands") == 0) {
        for (size_t i = 0; i < nverbs; i++)
            printf("%s\n", verbs[i].name);
        exit(flush_stdout());
    }
    if (!(words = calloc((size_t)argc + 1, sizeof(*words))))
        abort();
    memcpy(words, argv, (size_t)argc * sizeof(*words));
    if ((left = parse_before(argc, argv, opts, verbs, nverbs)) < 0) {
        free(words);
        return -1;
    }
    if ((v = left > 0 ? find_verb(verbs, nverbs, argv[0]) : -1) < 0) {
        if (left > 0)
            opt_usage_error(NULL, "unknown subcommand '%s'", argv[0]);
        else if (dflt < 0)
            opt_usage_error(NULL, "expected a subcommand");
        if (left > 0 || dflt < 0) {
            free(words);
            return -1;
        }
        v = dflt;
    }
    *verb = v;
    snprintf(prog, sizeof(prog), "%s %s", err_prog(), verbs[v].name);
    err_set_prog(prog);
    rc = check_taken(opts, &verbs[v], words + 1, argc - 1 - left);
    free(words);
    if (rc != 0)
        return -1;
    if (left == 0)
        return 0; /* the default subcommand, with no arguments */
    usage[0] = verbs[v].usage;
    t = verb_table(opts, &verbs[v]);
    left = opt_parse(left, argv, t, usage);
    free(t);
    return left;
}
