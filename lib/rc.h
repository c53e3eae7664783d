/* lib/rc.h - exit codes (DESIGN.md §3), stable forever */
#ifndef STANZA_LIB_RC_H
#define STANZA_LIB_RC_H

enum rc {
    RC_OK = 0,           /* done, confirmed by the server where possible */
    RC_REMOTE = 1,       /* the remote side answered with an error */
    RC_USAGE = 64,       /* unknown option or subcommand, bad argument */
    RC_DATAERR = 65,     /* bad input data; nothing was sent */
    RC_NOINPUT = 66,     /* an input file is missing or unreadable */
    RC_UNAVAILABLE = 69, /* could not reach the server */
    RC_SOFTWARE = 70,    /* internal error: a bug */
    RC_IOERR = 74,       /* writing the output failed */
    RC_TEMPFAIL = 75,    /* timed out or connection lost: outcome unknown */
    RC_PROTOCOL = 76,    /* stream error or protocol violation */
    RC_NOPERM = 77,      /* authentication failed or certificate untrusted */
    RC_CONFIG = 78,      /* configuration problem */
    RC_INTERRUPTED = 130 /* SIGINT */
};

#endif
