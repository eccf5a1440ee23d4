// System calls of the session agent (Docs/AGENT.md) and the process that Swift cannot import:
// `prctl` is variadic, the `CMSG_*` macros that lay out an SCM_RIGHTS control message are
// macros, and `mallopt` is in <malloc.h>, which the Glibc module leaves out.
// Each function checks its bounds and returns -1 with errno set on failure.
#ifndef SALESVAULT_AGENT_SHIM_H
#define SALESVAULT_AGENT_SHIM_H

#include <stddef.h>
#include <sys/types.h>

/// The most descriptors one message may carry (AGENT.md §4.2: four).
#define SV_MAX_FDS 4

/// prctl(PR_SET_DUMPABLE, 0): no core dump, no ptrace by the same uid, /proc files root-owned.
int sv_set_not_dumpable(void);
/// Under a limit of the address space (RLIMIT_AS, `ulimit -v`), mallopt(M_ARENA_MAX, 1): one
/// malloc arena for every thread. glibc reserves 64 MB of address space for each thread's own
/// arena (up to eight per core), which the limit counts though little of it is used: an
/// allocation failed with memory to spare and the program stopped (a 28 MB customer list under
/// limits of 710-840 MB, where it needs about 540 MB; Interchange's MemoryBudget counts on
/// this). Nothing changes without a limit. Call once at start, before any thread.
void sv_fit_malloc_to_address_space_limit(void);
/// prctl(PR_GET_DUMPABLE): 0 or 1, or -1.
int sv_get_dumpable(void);
/// getsockopt(SO_PEERCRED): the connected peer's uid and pid.
int sv_peer_credentials(int fd, uid_t *uid, pid_t *pid);
/// sendmsg of `len` bytes (at least 1) with `nfds` (0 … SV_MAX_FDS) descriptors attached as
/// one SCM_RIGHTS message; returns the bytes sent.
ssize_t sv_send_with_fds(int sock, const void *buf, size_t len, const int *fds, int nfds);
/// recvmsg of up to `len` bytes; descriptors that came with them (MSG_CMSG_CLOEXEC) are stored in
/// `fds` (room for SV_MAX_FDS) and counted in `*nfds`. Descriptors beyond SV_MAX_FDS, or a
/// truncated control message, are closed and reported as -1 with errno EBADMSG.
ssize_t sv_recv_with_fds(int sock, void *buf, size_t len, int *fds, int *nfds);

/// Between two clients: input still buffered in `stdin` is dropped (__fpurge) and the error
/// flags of the three streams cleared, so nothing of one client reaches the next.
void sv_reset_standard_streams(void);

/// Nonzero when a write to stdout failed since its error flag was last cleared.
int sv_stdout_error(void);

/// POLLRDHUP (a glibc extension, only with _GNU_SOURCE): the peer closed its end.
int sv_pollrdhup(void);

/// accept4(…, SOCK_CLOEXEC): needs _GNU_SOURCE.
int sv_accept(int listen_fd);
/// open(".", O_PATH | O_DIRECTORY | O_CLOEXEC): the current directory, to hand over (O_PATH
/// needs _GNU_SOURCE).
int sv_open_current_directory(void);
/// setvbuf(stdout, NULL, _IOLBF, 0), before any output (stdout is a global Swift 6 refuses).
void sv_line_buffer_stdout(void);
/// posix_spawn of `path` in a new session (POSIX_SPAWN_SETSID), standard streams on /dev/null,
/// every other descriptor closed (posix_spawn_file_actions_addclosefrom_np), signals unblocked
/// and at their defaults. Returns 0 or an errno value.
int sv_spawn_detached(const char *path, char *const argv[], char *const envp[], pid_t *pid);

#endif
