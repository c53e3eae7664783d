/* lib/form.h - XEP-0004 data forms: parse, print, fill, check, submit
 *
 * Every command that meets a form uses this module: disco (extended
 * info, XEP-0128), ad-hoc commands (XEP-0050), and room, node and
 * registration forms. The flow:
 *
 *   struct form *f = form_parse(x);           // from a received <x/>
 *   form_input_add_json(&in, text, len, ...)  // --form FILE
 *   form_input_add_arg(&in, "var=value", ...) // --field, repeatable
 *   form_apply(f, &in, true, ...)             // values into the form
 *   form_check(f, ...)                        // before anything is sent
 *   xmpp_stanza_t *x = form_submit(ctx, f);
 *
 * Errors come back as RC_DATAERR with a message in @err that names the
 * field; nothing is printed, so callers decide how to report.
 */
#ifndef STANZA_LIB_FORM_H
#define STANZA_LIB_FORM_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include <strophe.h>

#include "out.h"

#define NS_DATA "jabber:x:data"

/* Field types (XEP-0004 §3.3); a field without a type is text-single. */
enum form_kind {
    FORM_TEXT_SINGLE,
    FORM_BOOLEAN,
    FORM_FIXED,
    FORM_HIDDEN,
    FORM_JID_MULTI,
    FORM_JID_SINGLE,
    FORM_LIST_MULTI,
    FORM_LIST_SINGLE,
    FORM_TEXT_MULTI,
    FORM_TEXT_PRIVATE,
};

struct form_option {
    char *label; /* NULL if none */
    char *value;
};

struct form_field {
    char *var;  /* NULL for a fixed field without one */
    char *type; /* as received; NULL if absent */
    enum form_kind kind;
    char *label, *desc; /* NULL if none */
    bool required;
    struct form_option *options;
    size_t noptions;
    char **values;
    size_t nvalues;
    bool filled; /* the values came from the user */
};

/* One row of a multi-item result (XEP-0004 §3.4). */
struct form_item {
    struct form_field *fields;
    size_t nfields;
};

struct form {
    char *type; /* form, submit, cancel, result */
    char *title;
    char **instructions;
    size_t ninstructions;
    struct form_field *fields;
    size_t nfields;
    struct form_field *reported; /* column headers of the items */
    size_t nreported;
    struct form_item *items;
    size_t nitems;
};

/* The first <x xmlns="jabber:x:data"/> child of @parent, or NULL;
 * borrowed. */
xmpp_stanza_t *form_find(xmpp_stanza_t *parent);

/*
 * Returns a new form read from @x (an <x xmlns="jabber:x:data"/>), or
 * NULL if @x is not one. Unknown field types are kept as text-single.
 * The caller frees it with form_free().
 */
struct form *form_parse(xmpp_stanza_t *x);

void form_free(struct form *f); /* NULL is a no-op */

/* The value of the hidden FORM_TYPE field, or NULL; borrowed. */
const char *form_type(const struct form *f);

/* The field named @var, or NULL. */
struct form_field *form_field(const struct form *f, const char *var);

/* Appends an empty field @var of @kind to @f and returns it (borrowed). */
struct form_field *form_add(struct form *f, const char *var,
                            enum form_kind kind);

/* Writes "a, b, c", the vars of the fields of @f a user may set (not
 * fixed or hidden), to @buf, for messages. */
void form_list_vars(const struct form *f, char *buf, size_t len);

/* "text-single", "boolean", ...: the name of @kind. */
const char *form_kind_name(enum form_kind kind);

/* True if fields of @kind take one value at most. */
bool form_kind_single(enum form_kind kind);

/*
 * Prints @f through @o. JSON: an object (member @key) with "type",
 * "form_type", "title", "instructions" [..], "fields" [{var, type, label,
 * desc, required, options [{value, label}], values [..]}], "reported"
 * [{var, type, label}] and "items" [{VAR: [values]}]; absent values are
 * omitted. Text: the title, the instructions, then one line per field
 * that is not hidden, each indented by @indent spaces.
 */
void form_print(struct out *o, const char *key, const struct form *f,
                int indent);

/* --- what the user gives ------------------------------------------- */

struct form_value {
    char *var;
    char **values;
    size_t nvalues;
    bool from_file; /* --field values replace a file's, then add up */
    bool used;      /* form_apply() put it in a form */
};

/* Values from the command line and from files; zero-initialize. */
struct form_input {
    struct form_value *v;
    size_t n;
};

/*
 * Adds "VAR=VALUE" (from --field). The first one for a VAR replaces what
 * a file gave; more add values (list-multi, jid-multi, text-multi).
 * Returns RC_OK, or RC_USAGE without '=' or a VAR (message in @err).
 */
int form_input_add_arg(struct form_input *in, const char *arg, char *err,
                       size_t errlen);

/*
 * Adds the values of a JSON document (from --form FILE): an object
 * {"VAR": VALUE, ...} where VALUE is a string, number, boolean, null (no
 * value) or an array of those, or a form as form_print() writes it
 * ({"fields": [{"var": ..., "values": [...]}]}). Returns RC_OK, or
 * RC_DATAERR with what is wrong in @err.
 */
int form_input_add_json(struct form_input *in, const char *text, size_t len,
                        char *err, size_t errlen);

/*
 * Loads what the user gave: the values of the JSON form file @file (NULL:
 * none; "-": standard input), then the --field @args (@n of them),
 * checked to be text XML allows. Returns RC_OK; RC_USAGE for an argument
 * without '=' (what is wrong in @err, for the caller's usage message);
 * else prints why and returns RC_NOINPUT or RC_DATAERR.
 */
int form_input_load(struct form_input *in, const char *file,
                    const char *const *args, size_t n, char *err,
                    size_t errlen);

void form_input_free(struct form_input *in);

/* The first value of @in not used by form_apply() yet, or NULL. */
const struct form_value *form_input_unused(const struct form_input *in);

/*
 * Puts the values of @in into the fields of @f they name; they replace
 * the form's defaults. With @strict a VAR that @f lacks is an error (a
 * later stage of a command may have it: then pass false and look at
 * form_input_unused() later). Fixed fields cannot be set. Returns RC_OK
 * or RC_DATAERR (message in @err).
 */
int form_apply(struct form *f, struct form_input *in, bool strict, char *err,
               size_t errlen);

/*
 * Sets field @var of @f to @value, replacing the form's default on the
 * first call and adding values after that. Returns RC_OK or RC_DATAERR.
 */
int form_set(struct form *f, const char *var, const char *value, char *err,
             size_t errlen);

/*
 * Checks @f before it is submitted: every required field has a value,
 * single-valued fields have at most one, and the values the user gave fit
 * their type (boolean: true, false, 1 or 0; jid-*: valid JIDs;
 * list-*: one of the options; all: valid UTF-8 without control
 * characters, single-line fields without line breaks). Returns RC_OK or
 * RC_DATAERR naming the first bad field in @err.
 */
int form_check(const struct form *f, char *err, size_t errlen);

/*
 * Returns a new <x xmlns="jabber:x:data" type="submit"/> with every field
 * of @f that has a var and is not fixed, with its values. The caller
 * releases it.
 */
xmpp_stanza_t *form_submit(xmpp_ctx_t *ctx, const struct form *f);

/*
 * Asks for the fields of @f: questions go to @tty, answers come from @in
 * (both the terminal, or anything for tests):
 * each field that is not hidden or fixed and was not filled shows its
 * label, type, options and current values; an empty answer keeps them;
 * multi-valued fields take one value per line until an empty line;
 * text-private fields are read without echo; booleans also take y, yes,
 * n, no. A value that does not fit is asked again. Returns RC_OK, or
 * RC_DATAERR at the end of input (message in @err).
 */
int form_prompt(struct form *f, FILE *in, FILE *tty, char *err, size_t errlen);

#endif
