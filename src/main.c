/*
 * main.c — the kamgar binary: dispatches to the commands in src/cli/.
 */
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "cli/cli.h"

static const char usage[] =
    "kamgar — an organizing platform for workers' organisations\n"
    "\n"
    "usage: kamgar COMMAND [options]\n"
    "\n"
    "commands:\n"
    "  init       create a database and its first instance admin\n"
    "  serve      serve the API\n"
    "  org add    create an org (union, federation, association, ...)\n"
    "  user add   give a user a role in an org (creating the user when needed)\n"
    "  user passwd  set a user's password\n"
    "  demo       create a database with a realistic demo union\n"
    "  import people  import a register of people from CSV\n"
    "  export people  write every person of an org as CSV or JSON\n"
    "  backup     copy the database consistently while it is serving (optionally encrypted)\n"
    "  restore    bring a backup back\n"
    "\n"
    "`kamgar COMMAND --help` explains each. KAMGAR_DB and KAMGAR_LISTEN may replace --db and\n"
    "--listen. Exit status: 0 success, 1 error, 2 usage error; an import, export, backup or\n"
    "restore stopped by Ctrl-C, SIGTERM or SIGHUP stops cleanly and then dies of the signal\n"
    "(128+N in a shell): an import or export first says on stderr what it stored or wrote.\n";

int main(int argc, char **argv)
{
    static const struct {
        const char *name;
        int (*fn)(int, char **);
    } commands[] = {
        {"init", kg_cmd_init},       {"serve", kg_cmd_serve},   {"org", kg_cmd_org},
        {"user", kg_cmd_user},       {"demo", kg_cmd_demo},     {"backup", kg_cmd_backup},
        {"restore", kg_cmd_restore}, {"import", kg_cmd_import}, {"export", kg_cmd_export},
    };
    /* A write past a file-size limit (ulimit -f, a service's LimitFSIZE) fails with EFBIG,
     * which every command reports and cleans up after ("File too large"), instead of
     * SIGXFSZ killing the process half-way through a write. */
    signal(SIGXFSZ, SIG_IGN);
    if (argc < 2) {
        fputs(usage, stderr);
        return KG_EXIT_USAGE;
    }
    if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
        strcmp(argv[1], "help") == 0) {
        fputs(usage, stdout);
        return KG_EXIT_OK;
    }
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        if (strcmp(argv[1], commands[i].name) == 0)
            return commands[i].fn(argc, argv);
    fprintf(stderr, "kamgar: unknown command \"%s\" (see kamgar --help)\n", argv[1]);
    return KG_EXIT_USAGE;
}
