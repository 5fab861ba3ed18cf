/*
 * A no-op custom runtime (provided.al2023) for the benchmarks: a static binary that speaks the Lambda Runtime API on
 * one keep-alive connection and answers every event with {}. It stands for the smallest custom runtime a user could
 * write, so that what its cold start and idle memory show is the platform's share.
 * Built at run time by the harness: gcc -O2 -static -o bootstrap bootstrap.c
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

static char buf[1 << 16];
static int len;
static int fd;

static void die(const char *what) {
    fprintf(stderr, "bootstrap: %s\n", what);
    exit(1);
}

static void send_all(const char *p, int n) {
    while (n > 0) {
        int w = (int)write(fd, p, (size_t)n);
        if (w <= 0) die("write failed");
        p += w;
        n -= w;
    }
}

static void fill(void) {
    if (len == (int)sizeof buf) die("message head too large");
    int r = (int)read(fd, buf + len, sizeof buf - (size_t)len);
    if (r <= 0) die("the Runtime API closed the connection");
    len += r;
}

/* The value of header `name` (lower case) in buf[0, head), copied to out; its length, or -1. */
static int header(int head, const char *name, char *out, int cap) {
    int n = (int)strlen(name);
    for (int line = 0; line < head;) {
        char *nl = memchr(buf + line, '\n', (size_t)(head - line));
        int end = nl ? (int)(nl - buf) : head;
        if (end - line > n && buf[line + n] == ':' && strncasecmp(buf + line, name, (size_t)n) == 0) {
            int v = line + n + 1;
            while (v < end && (buf[v] == ' ' || buf[v] == '\t')) v++;
            int e = end;
            while (e > v && (buf[e - 1] == '\r' || buf[e - 1] == ' ')) e--;
            int l = e - v < cap - 1 ? e - v : cap - 1;
            memcpy(out, buf + v, (size_t)l);
            out[l] = 0;
            return l;
        }
        line = end + 1;
    }
    return -1;
}

/* Reads one response; answers its status and copies the request id header, if any, to id. The body is dropped. */
static int read_response(char *id, int idcap) {
    int head = -1;
    for (;;) {
        for (int i = 0; i + 3 < len; i++) {
            if (buf[i] == '\r' && buf[i + 1] == '\n' && buf[i + 2] == '\r' && buf[i + 3] == '\n') {
                head = i + 4;
                break;
            }
        }
        if (head >= 0) break;
        fill();
    }
    int status = atoi(buf + 9);
    char cl[32];
    long body = header(head, "content-length", cl, sizeof cl) > 0 ? atol(cl) : 0;
    if (id) {
        if (header(head, "lambda-runtime-aws-request-id", id, idcap) < 0) id[0] = 0;
    }
    len -= head;
    memmove(buf, buf + head, (size_t)len);
    while (body > 0) {
        if (len == 0) fill();
        int take = body < len ? (int)body : len;
        len -= take;
        memmove(buf, buf + take, (size_t)len);
        body -= take;
    }
    return status;
}

int main(void) {
    const char *api = getenv("AWS_LAMBDA_RUNTIME_API");
    if (!api) die("AWS_LAMBDA_RUNTIME_API is not set");
    char host[256];
    const char *colon = strrchr(api, ':');
    if (!colon || colon - api >= (long)sizeof host) die("bad AWS_LAMBDA_RUNTIME_API");
    memcpy(host, api, (size_t)(colon - api));
    host[colon - api] = 0;
    struct sockaddr_in addr = {0};
    addr.sin_family = AF_INET;
    addr.sin_port = htons((unsigned short)atoi(colon + 1));
    if (inet_pton(AF_INET, strcmp(host, "localhost") == 0 ? "127.0.0.1" : host, &addr.sin_addr) != 1) die("bad host");
    fd = socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0 || connect(fd, (struct sockaddr *)&addr, sizeof addr) != 0) die("cannot connect");
    int one = 1;
    setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);

    char next[256], post[512], id[128];
    int nlen = snprintf(next, sizeof next,
                        "GET /2018-06-01/runtime/invocation/next HTTP/1.1\r\nHost: %s\r\n\r\n", api);
    for (;;) {
        send_all(next, nlen);
        if (read_response(id, sizeof id) != 200 || !id[0]) die("GET /next failed");
        int plen = snprintf(post, sizeof post,
                            "POST /2018-06-01/runtime/invocation/%s/response HTTP/1.1\r\nHost: %s\r\n"
                            "Content-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
                            id, api);
        send_all(post, plen);
        read_response(NULL, 0);
    }
}
