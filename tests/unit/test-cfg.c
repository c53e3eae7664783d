/* tests/unit/test-cfg.c - the INI config parser */
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "lib/cfg.h"
#include "tests/unit/tap.h"

#define MAX_GETS 6

struct get {
    const char *section, *key;
    const char *value; /* NULL: absent */
};

struct parse_case {
    const char *name;
    const char *text;
    size_t entries;            /* number of key = value lines kept */
    struct get gets[MAX_GETS]; /* ended by a NULL section */
};

static const struct parse_case good[] = {
    { "a plain account",
      "[default]\njid = user@example.org\npassword = secret\n",
      2,
      { { "default", "jid", "user@example.org" },
        { "default", "password", "secret" },
        { "default", "server", NULL },
        { "other", "jid", NULL } } },
    { "spaces around key, '=' and value",
      "[a]\n   key   =   value with  inner   spaces   \n\tk2\t=\tv2\t\n",
      2,
      { { "a", "key", "value with  inner   spaces" }, { "a", "k2", "v2" } } },
    { "no spaces at all", "[a]\nk=v\n", 1, { { "a", "k", "v" } } },
    { "empty value",
      "[a]\nk =\nj = \n",
      2,
      { { "a", "k", "" }, { "a", "j", "" } } },
    { "'=' inside the value",
      "[a]\nurl = a=b = c\n",
      1,
      { { "a", "url", "a=b = c" } } },
    { "double quotes are stripped",
      "[a]\n"
      "padded = \"  two spaces  \"\n"
      "empty = \"\"\n"
      "inner = \"say \"hi\"\"\n"
      "lone = \"\n"
      "open = \"abc\n"
      "mid = a\"b\"\n",
      6,
      { { "a", "padded", "  two spaces  " },
        { "a", "empty", "" },
        { "a", "inner", "say \"hi\"" },
        { "a", "lone", "\"" },
        { "a", "open", "\"abc" },
        { "a", "mid", "a\"b\"" } } },
    { "comments with '#' and ';', also indented",
      "# a comment\n; another\n[a]\n  # indented = no\n\t; k = no\n"
      "k = v # not a comment\nj = x ; nor this\n",
      2,
      { { "a", "k", "v # not a comment" },
        { "a", "j", "x ; nor this" },
        { "a", "# indented", NULL } } },
    { "blank lines everywhere",
      "\n\n   \n[a]\n\n\t\nk = v\n\n[b]\n\nk = w\n\n\n",
      2,
      { { "a", "k", "v" }, { "b", "k", "w" } } },
    { "CRLF line endings",
      "\r\n[a]\r\nk = v\r\n\r\nquoted = \" x \"\r\n# c\r\n[b]\r\nj=w\r\n",
      3,
      { { "a", "k", "v" }, { "a", "quoted", " x " }, { "b", "j", "w" } } },
    { "no newline at the end", "[a]\nk = v", 1, { { "a", "k", "v" } } },
    { "the last value wins",
      "[a]\nk = 1\nk = 2\n[b]\nk = 3\n[a]\nk = 4\n",
      4,
      { { "a", "k", "4" }, { "b", "k", "3" } } },
    { "sections are merged",
      "[a]\nk = 1\n[b]\nk = 2\n[a]\nj = 3\n",
      3,
      { { "a", "k", "1" },
        { "a", "j", "3" },
        { "b", "k", "2" },
        { "b", "j", NULL } } },
    { "section names: spaces inside brackets, '@', '.', '-', '_'",
      "[ work ]\nk = 1\n[user@example.org]\nca_file = /x.pem\n"
      "[my-acct_2]\npin = ab\n",
      3,
      { { "work", "k", "1" },
        { "user@example.org", "ca_file", "/x.pem" },
        { "my-acct_2", "pin", "ab" },
        { " work ", "k", NULL } } },
    { "keys and sections are case-sensitive",
      "[A]\nKey = v\n",
      1,
      { { "A", "Key", "v" }, { "a", "Key", NULL }, { "A", "key", NULL } } },
    { "UTF-8 in values",
      "[a]\nname = J\xc3\xbcrgen \xe2\x98\x83\n",
      1,
      { { "a", "name", "J\xc3\xbcrgen \xe2\x98\x83" } } },
    { "empty file", "", 0, { { "a", "k", NULL } } },
    { "only a newline", "\n", 0, { { "a", "k", NULL } } },
    { "only comments and blank lines",
      "# x\n\n; y = z\n",
      0,
      { { "a", "k", NULL } } },
    { "only a section header", "[a]\n", 0, { { "a", "k", NULL } } },
};

struct bad_case {
    const char *name;
    const char *text;
    int line;
};

static const struct bad_case bad[] = {
    { "key outside of a section", "k = v\n", 1 },
    { "key outside of a section after comments", "# c\n\n; d\nk = v\n[a]\n",
      4 },
    { "missing ']'", "[a\nk = v\n", 1 },
    { "missing ']' later", "[a]\nk = v\n\n[b\nj = w\n", 4 },
    { "missing ']' with CRLF", "[a]\r\nk = v\r\n[b\r\n", 3 },
    { "text after ']'", "[a] x\nk = v\n", 1 },
    { "empty section name", "[]\n", 1 },
    { "blank section name", "[  ]\n", 1 },
    { "space in section name", "[my account]\nk = v\n", 1 },
    { "space in key", "[a]\nbad key = v\n", 2 },
    { "empty key", "[a]\n= v\n", 2 },
    { "'[' in key", "[a]\nk[0] = v\n", 2 },
    { "non-ASCII key", "[a]\nk\xc3\xa9 = v\n", 2 },
    { "no '='", "[a]\nk = v\njust words\n", 3 },
    { "no '=', CRLF", "[a]\r\nk = v\r\n\r\noops\r\n", 4 },
};

/* Entries with a key; an entry without one only records a section. */
static size_t count_keys(const struct cfg *c)
{
    size_t n = 0;

    for (size_t i = 0; i < c->n; i++)
        n += c->e[i].key != NULL;
    return n;
}

static void check_good(const struct parse_case *t)
{
    struct cfg c;
    const char *why = "unset";
    char name[200];
    int rc = cfg_parse(t->text, &c, &why);

    snprintf(name, sizeof(name), "cfg_parse: %s", t->name);
    ok(rc == 0, name);
    if (rc != 0)
        printf("#   line %d: %s\n", rc, why ? why : "(null)");
    snprintf(name, sizeof(name), "cfg_parse: %s: %zu entries", t->name,
             t->entries);
    ok(count_keys(&c) == t->entries, name);
    for (size_t i = 0; i < MAX_GETS && t->gets[i].section; i++) {
        const struct get *g = &t->gets[i];

        snprintf(name, sizeof(name), "cfg_parse: %s: [%s] %s", t->name,
                 g->section, g->key);
        is_str(cfg_get(&c, g->section, g->key), g->value, name);
    }
    cfg_free(&c);
}

static void check_bad(const struct bad_case *t)
{
    struct cfg c;
    const char *why = NULL;
    char name[200];
    int rc = cfg_parse(t->text, &c, &why);

    snprintf(name, sizeof(name), "cfg_parse fails: %s: at line %d", t->name,
             t->line);
    ok(rc == t->line, name);
    if (rc != t->line)
        printf("#   got %d\n", rc);
    snprintf(name, sizeof(name), "cfg_parse fails: %s: says why, keeps nothing",
             t->name);
    ok(why != NULL && *why != '\0' && c.n == 0 && c.e == NULL, name);
    cfg_free(&c);
}

static void check_why_messages(void)
{
    struct cfg c;
    const char *why = NULL;

    cfg_parse("k = v\n", &c, &why);
    ok(why && strstr(why, "section"), "why for a key outside a section "
                                      "mentions the section");
    cfg_free(&c);
    why = NULL;
    cfg_parse("[a\n", &c, &why);
    ok(why && strchr(why, ']'), "why for a missing ']' mentions ']'");
    cfg_free(&c);
    why = NULL;
    cfg_parse("[a]\nb c = d\n", &c, &why);
    ok(why && strstr(why, "key"), "why for a bad key mentions the key");
    cfg_free(&c);
}

static void check_has(void)
{
    static const char text[] = "[a]\nk = v\n[b]\nj = w\n[empty]\n"
                               "# [commented]\n";
    struct cfg c;
    const char *why = NULL;

    ok(cfg_parse(text, &c, &why) == 0, "cfg_has_*: parse");
    ok(cfg_has_key(&c, "k"), "cfg_has_key: k in [a]");
    ok(cfg_has_key(&c, "j"), "cfg_has_key: j in [b]");
    ok(!cfg_has_key(&c, "v"), "cfg_has_key: a value is no key");
    ok(!cfg_has_key(&c, "a"), "cfg_has_key: a section is no key");
    ok(!cfg_has_key(&c, "K"), "cfg_has_key: case-sensitive");
    ok(cfg_has_section(&c, "a"), "cfg_has_section: a");
    ok(cfg_has_section(&c, "b"), "cfg_has_section: b");
    ok(!cfg_has_section(&c, "c"), "cfg_has_section: no c");
    ok(!cfg_has_section(&c, "k"), "cfg_has_section: a key is no section");
    ok(!cfg_has_section(&c, "commented"),
       "cfg_has_section: commented-out section");
    /* was a bug: lib/cfg.c keeps only key = value entries, so a section with no
     * keys is forgotten: cfg_has_section() returns false for "[empty]",
     * though cfg.h says "True if @c has a section called @section". */
    ok(cfg_has_section(&c, "empty"), "cfg_has_section: section without keys");
    cfg_free(&c);

    ok(cfg_parse("", &c, &why) == 0 && !cfg_has_key(&c, "k") &&
           !cfg_has_section(&c, "a"),
       "cfg_has_*: empty config has nothing");
    cfg_free(&c);
    cfg_free(&c);
    ok(c.n == 0 && c.e == NULL, "cfg_free twice is harmless");
}

int main(void)
{
    for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++)
        check_good(&good[i]);
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        check_bad(&bad[i]);
    check_why_messages();
    check_has();
    return done_testing();
}
