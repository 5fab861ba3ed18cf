#define _GNU_SOURCE
/*
 * A Runtime API stub for measuring Lamina's runtime bootstraps on their own (benchmarks/scripts/bootstrap_bench.py
 * builds and drives it). It listens on 127.0.0.1:<port>, serves GET /2018-06-01/runtime/invocation/next with an
 * event as fast as it can (headers as Lamina sends them), answers every POST with 202 {"status":"OK"}, and prints,
 * on stdout, one line per milestone with CLOCK_MONOTONIC nanoseconds:
 *   port <n>            once listening
 *   first-next <ns>     the first GET /next (the bootstrap is up)
 *   warm <ns>           the response to invoke number <warmup> arrived
 *   window <ns>         then: the median, over the invokes after <warmup>, of the time from writing an event to
 *                       reading its response (what Lamina's REPORT Duration measures)
 *   done <ns> <count>   the response to invoke number <invokes> arrived
 * After <invokes> responses the next GET /next is held (never answered), so the bootstrap idles as a warm instance
 * does, until the stub is killed.
 *
 * Usage: runtime_api_stub <invokes> <warmup> [event-json]
 * Build: gcc -O2 -o runtime_api_stub runtime_api_stub.c
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

static char buf[1 << 20];
static int len;

static long long now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (long long)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static int send_all(int fd, const char *p, int n) {
    while (n > 0) {
        int w = (int)write(fd, p, (size_t)n);
        if (w <= 0) return -1;
        p += w;
        n -= w;
    }
    return 0;
}

/* Reads one request; returns 1 for GET /next, 2 for a POST, 0 on end of connection. */
static int read_request(int fd) {
    for (;;) {
        char *end = len >= 4 ? memmem(buf, (size_t)len, "\r\n\r\n", 4) : NULL;
        if (end) {
            int head = (int)(end - buf) + 4;
            long body = 0;
            for (char *p = buf; p < end;) {
                char *nl = memchr(p, '\n', (size_t)(end - p));
                if (!nl) nl = end;
                if (nl - p > 15 && strncasecmp(p, "content-length:", 15) == 0) body = strtol(p + 15, NULL, 10);
                p = nl + 1;
            }
            while (len < head + body) {
                int r = (int)read(fd, buf + len, sizeof buf - (size_t)len);
                if (r <= 0) return 0;
                len += r;
            }
            int kind = strncmp(buf, "GET ", 4) == 0 ? 1 : 2;
            memmove(buf, buf + head + body, (size_t)(len - head - body));
            len -= head + (int)body;
            return kind;
        }
        if (len == (int)sizeof buf) return 0;
        int r = (int)read(fd, buf + len, sizeof buf - (size_t)len);
        if (r <= 0) return 0;
        len += r;
    }
}

static int cmp(const void *a, const void *b) {
    long long x = *(const long long *)a, y = *(const long long *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    if (argc < 3) {
        fprintf(stderr, "usage: runtime_api_stub <invokes> <warmup> [event-json]\n");
        return 2;
    }
    long invokes = atol(argv[1]), warmup = atol(argv[2]);
    const char *event = argc > 3 ? argv[3] : "{\"key1\":\"value1\",\"key2\":\"value2\",\"key3\":\"value3\"}";
    int ls = socket(AF_INET, SOCK_STREAM, 0);
    int one = 1;
    setsockopt(ls, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    struct sockaddr_in a = {.sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK)};
    socklen_t al = sizeof a;
    if (bind(ls, (struct sockaddr *)&a, sizeof a) || listen(ls, 16) || getsockname(ls, (struct sockaddr *)&a, &al)) {
        perror("listen");
        return 1;
    }
    printf("port %d\n", ntohs(a.sin_port));
    fflush(stdout);
    static const char accepted[] =
        "HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 15\r\n\r\n{\"status\":\"OK\"}";
    long served = 0, answered = 0;
    long long sent_at = 0; /* when the current event was written */
    long long *windows = calloc((size_t)invokes + 1, sizeof *windows);
    int first = 1;
    char head[1024];
    for (;;) {
        int fd = accept(ls, NULL, NULL);
        if (fd < 0) continue;
        setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
        len = 0;
        int kind;
        while ((kind = read_request(fd)) != 0) {
            if (kind == 1) {
                if (first) {
                    printf("first-next %lld\n", now_ns());
                    fflush(stdout);
                    first = 0;
                }
                if (served >= invokes) {
                    for (;;) pause(); /* hold the last /next: the bootstrap idles */
                }
                served++;
                long long deadline = (long long)time(NULL) * 1000 + 900000;
                int n = snprintf(head, sizeof head,
                                 "HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: %zu\r\n"
                                 "Lambda-Runtime-Aws-Request-Id: %08lx-0000-4000-8000-%012ld\r\n"
                                 "Lambda-Runtime-Deadline-Ms: %lld\r\n"
                                 "Lambda-Runtime-Invoked-Function-Arn: arn:aws:lambda:us-east-1:000000000000:function:bench\r\n"
                                 "Lambda-Runtime-Trace-Id: Root=1-00000000-%024ld;Sampled=0\r\n\r\n",
                                 strlen(event), served, served, deadline, served);
                sent_at = now_ns();
                if (send_all(fd, head, n) || send_all(fd, event, (int)strlen(event))) break;
            } else {
                windows[answered] = now_ns() - sent_at;
                answered++;
                if (send_all(fd, accepted, (int)sizeof accepted - 1)) break;
                if (answered == warmup) {
                    printf("warm %lld\n", now_ns());
                    fflush(stdout);
                }
                if (answered == invokes) {
                    long long t = now_ns();
                    long n = invokes - warmup;
                    qsort(windows + warmup, (size_t)n, sizeof *windows, cmp);
                    printf("window %lld\n", windows[warmup + n / 2]);
                    printf("done %lld %ld\n", t, answered);
                    fflush(stdout);
                }
            }
        }
        close(fd);
    }
}
