/*
 * serve.c — `kamgar serve`: wires the store, the API and the HTTP server together and
 * waits for SIGTERM/SIGINT, then finishes in-flight requests and closes the database.
 */
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "api/api.h"
#include "cli/cli.h"
#include "http/server.h"
#include "util/fs.h"
#include "util/log.h"
#include "util/str.h"

static const char serve_help[] =
    "usage: kamgar serve --db PATH [--listen HOST:PORT] [--threads N]\n"
    "                    [--tls-cert FILE --tls-key FILE] [--trust-proxy] [--quiet]\n"
    "                    [--public-url URL] [--max-conns-per-ip N] [--max-body-memory-mb N]\n"
    "                    [--web-dir DIR] [--forms-per-min N] [--max-import-mb N]\n"
    "                    [--max-upload-seconds N]\n"
    "\n"
    "Serves the API on HOST:PORT (default 127.0.0.1:8080; KAMGAR_LISTEN may set it).\n"
    "  --threads N      worker threads (default: one per CPU core)\n"
    "  --tls-cert/key   serve HTTPS directly with these PEM files\n"
    "  --trust-proxy    every peer is your own reverse proxy: take the client address from\n"
    "                   X-Forwarded-For, the scheme and host of links from X-Forwarded-Proto\n"
    "                   and Host (or X-Forwarded-Host); the proxy must set them. Listen\n"
    "                   where only the proxy can connect (127.0.0.1)\n"
    "  --public-url URL the site's public address, e.g. https://members.example.org: share\n"
    "                   links and feeds use it, and https makes the session cookie Secure\n"
    "  --max-conns-per-ip N  open connections one address (an IPv6 /64) may hold (default\n"
    "                   256; 0 = no limit). Not applied with --trust-proxy: all connections\n"
    "                   then come from the proxy, which should limit clients itself\n"
    "  --max-body-memory-mb N  memory all request bodies being received may hold together\n"
    "                   (default 256); a body past it is answered 429 with Retry-After\n"
    "                   (imports are streamed and do not count)\n"
    "  --quiet          no access log\n"
    "  --max-import-mb N  largest file accepted by POST …/imports/people (default 64; the\n"
    "                   file is streamed, so memory does not grow with it)\n"
    "  --max-upload-seconds N  the longest an import's upload may take (default 900): one\n"
    "                   sent slower is dropped, so that a trickle cannot hold one of the 8\n"
    "                   upload places (2 a user) for ever\n"
    "  --forms-per-min N  public forms (petition signatures, join requests) accepted from one\n"
    "                   address per minute (default 10). Raise it where many people share an\n"
    "                   address, as on mobile networks (carrier-grade NAT) or an office line\n"
    "  --web-dir DIR    the public pages' files (style.css, i18n/*.txt); default $KAMGAR_WEB,\n"
    "                   else ./web, else web/ beside the binary's parent directory (a build\n"
    "                   directory inside the source tree), else ../share/kamgar/web from it\n"
    "Stops cleanly on SIGTERM or Ctrl-C: in-flight requests finish, the database is closed.\n"
    "\n"
    "example:\n"
    "  kamgar serve --db /var/lib/kamgar/kamgar.db --listen 127.0.0.1:8080 --trust-proxy\n";

/* Reads a whole (small) file; NULL with a message on failure. Caller frees. */
static char *slurp(const char *path)
{
    FILE *f = fopen(path, "rb");
    if (!f) {
        kg_cli_err("cannot read %s", path);
        return NULL;
    }
    char *buf = malloc(1 << 20);
    size_t n = buf ? fread(buf, 1, (1 << 20) - 1, f) : 0;
    fclose(f);
    if (!buf || n == 0) {
        kg_cli_err("%s is empty or unreadable", path);
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

static bool is_web_dir(const char *dir)
{
    char p[PATH_MAX];
    struct stat st;
    int n = snprintf(p, sizeof(p), "%s/i18n/en.txt", dir);
    return n > 0 && (size_t)n < sizeof(p) && stat(p, &st) == 0;
}

/* The web directory when none was given: $KAMGAR_WEB, ./web, then beside the binary. */
static const char *find_web_dir(char *buf, size_t cap)
{
    const char *env = getenv("KAMGAR_WEB");
    if (env && *env)
        return env;
    if (is_web_dir("web"))
        return "web";
    char exe[PATH_MAX];
    ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
    if (n <= 0)
        return "web";
    exe[n] = '\0';
    char *slash = strrchr(exe, '/');
    if (!slash)
        return "web";
    *slash = '\0';
    const char *const tails[] = {"/../web", "/../share/kamgar/web"};
    for (size_t i = 0; i < 2; i++) {
        int m = snprintf(buf, cap, "%s%s", exe, tails[i]);
        if (m > 0 && (size_t)m < cap && is_web_dir(buf))
            return buf;
    }
    return "web";
}

int kg_cmd_serve(int argc, char **argv)
{
    const char *db = NULL, *listen = NULL, *threads_s = NULL, *cert = NULL, *key = NULL;
    const char *import_mb = NULL, *upload_s = NULL, *web_dir = NULL, *forms_s = NULL,
               *public_url = NULL;
    const char *conns_s = NULL, *body_mb = NULL;
    char web_buf[PATH_MAX];
    bool trust_proxy = false, quiet = false, help;
    size_t npos;
    const struct kg_opt opts[] = {{"db", &db, NULL},
                                  {"listen", &listen, NULL},
                                  {"threads", &threads_s, NULL},
                                  {"tls-cert", &cert, NULL},
                                  {"tls-key", &key, NULL},
                                  {"trust-proxy", NULL, &trust_proxy},
                                  {"quiet", NULL, &quiet},
                                  {"max-import-mb", &import_mb, NULL},
                                  {"max-upload-seconds", &upload_s, NULL},
                                  {"web-dir", &web_dir, NULL},
                                  {"forms-per-min", &forms_s, NULL},
                                  {"public-url", &public_url, NULL},
                                  {"max-conns-per-ip", &conns_s, NULL},
                                  {"max-body-memory-mb", &body_mb, NULL},
                                  {NULL, NULL, NULL}};
    if (!kg_cli_parse(argc, argv, 2, opts, NULL, 0, &npos, &help))
        return KG_EXIT_USAGE;
    if (help) {
        fputs(serve_help, stdout);
        return KG_EXIT_OK;
    }
    if (!(db = kg_cli_db(db)))
        return KG_EXIT_USAGE;
    if (!listen)
        listen = getenv("KAMGAR_LISTEN");
    if (!listen || !*listen)
        listen = "127.0.0.1:8080";
    int64_t threads = 0;
    if (threads_s && kg_parse_i64(threads_s, strlen(threads_s), 1, 256, &threads) != KG_OK) {
        kg_cli_err("--threads must be a number from 1 to 256");
        return KG_EXIT_USAGE;
    }
    int64_t import_max = 64;
    if (import_mb && kg_parse_i64(import_mb, strlen(import_mb), 1, 1 << 20, &import_max) != KG_OK) {
        kg_cli_err("--max-import-mb must be a number of megabytes from 1");
        return KG_EXIT_USAGE;
    }
    int64_t upload_secs = 15 * 60;
    if (upload_s && kg_parse_i64(upload_s, strlen(upload_s), 1, 86400, &upload_secs) != KG_OK) {
        kg_cli_err("--max-upload-seconds must be a number of seconds from 1 to 86400");
        return KG_EXIT_USAGE;
    }
    int64_t forms = 10;
    if (forms_s && kg_parse_i64(forms_s, strlen(forms_s), 1, 100000, &forms) != KG_OK) {
        kg_cli_err("--forms-per-min must be a number from 1 to 100000");
        return KG_EXIT_USAGE;
    }
    /* 256 of the 4,096: a training hall of phones on one Wi-Fi (or a carrier's NAT), each
     * browser opening up to 6 connections, still gets in; one client still cannot take
     * more than a sixteenth of the slots. */
    int64_t conns = 256;
    if (conns_s && kg_parse_i64(conns_s, strlen(conns_s), 0, 4096, &conns) != KG_OK) {
        kg_cli_err("--max-conns-per-ip must be a number from 0 (no limit) to 4096");
        return KG_EXIT_USAGE;
    }
    int64_t body_memory = 256;
    if (body_mb && kg_parse_i64(body_mb, strlen(body_mb), 1, 1 << 20, &body_memory) != KG_OK) {
        kg_cli_err("--max-body-memory-mb must be a number of megabytes from 1");
        return KG_EXIT_USAGE;
    }
    if (public_url && !kg_public_url_valid(public_url)) {
        kg_cli_err("--public-url must be http(s)://HOST[:PORT] with no path, e.g. "
                   "https://members.example.org");
        return KG_EXIT_USAGE;
    }
    if (!cert != !key) {
        kg_cli_err("--tls-cert and --tls-key go together");
        return KG_EXIT_USAGE;
    }

    char *cert_pem = NULL, *key_pem = NULL;
    if (cert && (!(cert_pem = slurp(cert)) || !(key_pem = slurp(key)))) {
        free(cert_pem);
        return KG_EXIT_USER;
    }
    struct kg_store *s = kg_cli_open(db, false);
    if (!s) {
        free(cert_pem);
        free(key_pem);
        return KG_EXIT_USER;
    }
    /* kg_cli_open marked the database in use until the process exits: a restore or
     * `backup --force` refuses to replace it while this serves. */
    struct kg_api_config acfg;
    kg_api_config_defaults(&acfg);
    acfg.tls = cert != NULL;
    acfg.max_import_body = (size_t)import_max << 20;
    acfg.import_upload_s = (long)upload_secs;
    acfg.sign_per_min = (unsigned)forms;
    acfg.web_dir = web_dir ? web_dir : find_web_dir(web_buf, sizeof(web_buf));
    struct kg_api *api = kg_api_new(&acfg, s);
    if (kg_api_web_error(api)) {
        kg_cli_err("%s", kg_api_web_error(api));
        kg_api_free(api);
        s->ops->close(s);
        free(cert_pem);
        free(key_pem);
        return KG_EXIT_USER;
    }

    /* Block the signals before the pool threads start, so only sigwait sees them. */
    sigset_t set;
    sigemptyset(&set);
    sigaddset(&set, SIGINT);
    sigaddset(&set, SIGTERM);
    sigaddset(&set, SIGHUP); /* a closed terminal or ssh session: a clean stop too */
    pthread_sigmask(SIG_BLOCK, &set, NULL);
    signal(SIGPIPE, SIG_IGN);

    struct kg_server_config scfg = {
        .listen = listen,
        .threads = (unsigned)threads,
        .tls_cert = cert_pem,
        .tls_key = key_pem,
        .trust_proxy = trust_proxy,
        .public_url = public_url,
        .conns_per_ip = (unsigned)conns,
        .body_memory = (size_t)body_memory << 20,
        .access_log = !quiet,
        .arena_budget = 16u << 20,
        .conn_timeout_s = 30,
    };
    struct kg_server *srv = NULL;
    char msg[256];
    int rc = KG_EXIT_OK;
    if (kg_server_start(&scfg, kg_api_router(api), kg_api_metrics(api), &srv, msg, sizeof(msg)) !=
        KG_OK) {
        kg_cli_err("%s", msg);
        rc = KG_EXIT_USER;
    } else {
        int64_t users = 0;
        if (s->ops->user_count(s, &users) == KG_OK && users == 0)
            kg_warn("this database has no users yet: run `kamgar init` first");
        kg_info("kamgar serving %s on %s://%s (port %u)", db, cert ? "https" : "http", listen,
                kg_server_port(srv));
        /* Every import and export over HTTP keeps its file in the temporary directory. */
        char why[128];
        if (!kg_tmp_writable(why, sizeof(why)))
            kg_warn("cannot make a file in the temporary directory %s (%s): every import and "
                    "export over HTTP will fail until one can be made (under systemd's "
                    "ProtectSystem=strict, add PrivateTmp=true; in a container with a read-only "
                    "root, mount a tmpfs on /tmp or set TMPDIR)",
                    kg_tmp_dir(), why);
        printf("kamgar listening on port %u\n", kg_server_port(srv));
        fflush(stdout);
        /* Every few seconds the reads counted for the audit log are written (tally.c). */
        int sig;
        const struct timespec tick = {.tv_sec = KG_API_TALLY_SECONDS};
        while ((sig = sigtimedwait(&set, NULL, &tick)) < 0)
            kg_api_tick(api);
        kg_info("signal %d: finishing in-flight requests", sig);
        kg_server_stop(srv, 10);
        kg_info("stopped");
    }
    kg_api_free(api);
    s->ops->close(s);
    free(cert_pem);
    free(key_pem);
    return rc;
}
