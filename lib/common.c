/* lib/common.c - the options every subcommand accepts */
#include "common.h"

#include <string.h>

const char *const common_output_choices[] = { "text", "json", "xml", NULL };

void common_init(struct common_opts *c)
{
    memset(c, 0, sizeof(*c));
    c->timeout_ms = 30000;
}
