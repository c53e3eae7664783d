/* lib/common.h - the options every subcommand accepts (DESIGN.md §2) */
#ifndef STANZA_LIB_COMMON_H
#define STANZA_LIB_COMMON_H

#include <stdbool.h>

#include "opt.h"

struct common_opts {
    const char *account;
    const char *jid;
    const char *password_file;
    const char *password_command;
    const char *server;
    bool direct_tls;
    const char *ca_file;
    const char *pin;
    bool insecure;
    const char *client_cert;
    const char *client_key;
    const char *resource;
    int output; /* enum out_mode */
    long timeout_ms;
    int verbose;
    const char *trace;
    bool no_tls;
    bool quiet;
    const char *config;
};

/* Fills @c with the defaults (output text, timeout 30 s). */
void common_init(struct common_opts *c);

extern const char *const common_output_choices[];

#define OPT_C(type, s, l, v, a, h, d, ch)        \
    {                                            \
        type, s, l, v, a, h, d, ch, OPT_F_COMMON \
    }

/* Expands to the rows of the common options; place before OPT_END(). */
#define OPT_COMMON(c)                                                          \
    OPT_C(OPT_T_STRING, 'a', "account", &(c)->account, "name",                 \
          "account section of the config file", 0, NULL),                      \
        OPT_C(OPT_T_STRING, 'j', "jid", &(c)->jid, "jid",                      \
              "log in as this JID", 0, NULL),                                  \
        OPT_C(OPT_T_STRING, 0, "password-file", &(c)->password_file, "file",   \
              "read the password from the first line of FILE", 0, NULL),       \
        OPT_C(OPT_T_STRING, 0, "password-command", &(c)->password_command,     \
              "cmd", "run CMD and read the password from its output", 0,       \
              NULL),                                                           \
        OPT_C(OPT_T_STRING, 0, "server", &(c)->server, "host[:port]",          \
              "connect here instead of looking up the JID's domain", 0, NULL), \
        OPT_C(OPT_T_BOOL, 0, "direct-tls", &(c)->direct_tls, NULL,             \
              "TLS from the first byte (XEP-0368) instead of STARTTLS", 0,     \
              NULL),                                                           \
        OPT_C(OPT_T_STRING, 0, "ca-file", &(c)->ca_file, "file",               \
              "trust only the CA certificates in FILE", 0, NULL),              \
        OPT_C(OPT_T_STRING, 0, "pin", &(c)->pin, "sha256",                     \
              "accept exactly the certificate with this SHA-256 fingerprint",  \
              0, NULL),                                                        \
        OPT_C(OPT_T_BOOL, 0, "insecure", &(c)->insecure, NULL,                 \
              "do not verify the server certificate (dangerous)", 0, NULL),    \
        OPT_C(OPT_T_STRING, 0, "client-cert", &(c)->client_cert, "file",       \
              "log in with SASL EXTERNAL using this certificate", 0, NULL),    \
        OPT_C(OPT_T_STRING, 0, "client-key", &(c)->client_key, "file",         \
              "private key of --client-cert", 0, NULL),                        \
        OPT_C(OPT_T_STRING, 'r', "resource", &(c)->resource, "name",           \
              "resource to bind", 0, NULL),                                    \
        OPT_C(OPT_T_CHOICE, 'o', "output", &(c)->output, "format",             \
              "output format", 0, common_output_choices),                      \
        OPT_C(OPT_T_SETINT, 0, "json", &(c)->output, NULL,                     \
              "same as --output json", 1, NULL),                               \
        OPT_C(OPT_T_SETINT, 0, "xml", &(c)->output, NULL,                      \
              "same as --output xml", 2, NULL),                                \
        OPT_C(OPT_T_SECONDS, 't', "timeout", &(c)->timeout_ms, "seconds",      \
              "deadline for the network waits (default 30)", 0, NULL),         \
        OPT_C(OPT_T_COUNT, 'v', "verbose", &(c)->verbose, NULL,                \
              "show XML traffic on stderr (-vv: library logs too)", 0, NULL),  \
        OPT_C(OPT_T_STRING, 0, "trace", &(c)->trace, "file",                   \
              "write all traffic to FILE, secrets masked", 0, NULL),           \
        OPT_C(OPT_T_BOOL, 0, "no-tls", &(c)->no_tls, NULL,                     \
              "plaintext, only to a loopback address (test servers)", 0,       \
              NULL),                                                           \
        OPT_C(OPT_T_BOOL, 'q', "quiet", &(c)->quiet, NULL,                     \
              "print nothing on stdout but requested data", 0, NULL),          \
        OPT_C(OPT_T_STRING, 0, "config", &(c)->config, "file",                 \
              "config file (default $XDG_CONFIG_HOME/stanza/config)", 0, NULL)

#endif
