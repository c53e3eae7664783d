/* lib/account.h - who we log in as: flags > environment > config file */
#ifndef STANZA_LIB_ACCOUNT_H
#define STANZA_LIB_ACCOUNT_H

#include <stdbool.h>

#include "common.h"

struct account {         /* owns all strings; free with account_free() */
    char *jid;           /* JID to log in as, maybe with a resource */
    char *password;      /* NULL with a client certificate */
    char *host;          /* NULL: look up the JID's domain */
    unsigned short port; /* 0: default for the mode */
    bool direct_tls;
    bool insecure;
    bool no_tls;
    char *ca_file;
    char *pin; /* lowercase hex SHA-256, no colons */
    char *resource;
    char *client_cert;
    char *client_key;
};

/*
 * Resolves the account for @c (DESIGN.md §2), password included: from
 * --password-file, --password-command, STANZA_PASSWORD, the config's
 * password_command or password, or a no-echo prompt on the terminal.
 * Returns RC_OK, or an exit code after printing why.
 */
int account_load(const struct common_opts *c, struct account *a);

/* Reads a password from the first line of the file @path into *@pw (a
 * new string). Returns RC_OK, or RC_NOINPUT after printing why. */
int account_password_file(const char *path, char **pw);

/* Parses "host", "host:port" or "[v6]:port". Returns 0 or -1. */
int account_parse_server(const char *s, char **host, unsigned short *port);

/* Normalizes a SHA-256 fingerprint to 64 lowercase hex digits in place.
 * Returns 0, or -1 if @pin is not one. */
int account_normalize_pin(char *pin);

/* Wipes the password and frees everything. */
void account_free(struct account *a);

#endif
