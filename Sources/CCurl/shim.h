#include <curl/curl.h>
#include <dlfcn.h>

// libcurl is not linked into nq: it is opened with dlopen the first time an export needs it. Linked, it and
// the ~25 libraries it depends on (TLS, Kerberos, LDAP, SSH, ...) would be mapped and relocated at the start
// of every nq process, queries included (about 4 ms of each; see docs/decisions.md).

// The libcurl functions nq calls, without their "curl_" prefix.
#define NQ_CURL_FUNCTIONS(X) \
    X(global_init) X(easy_init) X(easy_cleanup) X(easy_reset) X(easy_perform) X(easy_strerror) \
    X(slist_append) X(slist_free_all)

// The loaded functions, each with its exact prototype from curl.h. The two variadic ones, which Swift cannot
// call, are kept untyped and called by the typed wrappers below.
typedef struct nq_curl_api {
#define NQ_CURL_FIELD(name) __typeof__(&curl_##name) _Nonnull name;
    NQ_CURL_FUNCTIONS(NQ_CURL_FIELD)
#undef NQ_CURL_FIELD
    void *_Nonnull easy_setopt;
    void *_Nonnull easy_getinfo;
} nq_curl_api;

// Opens libcurl.so.4 and fills `api`. Returns NULL, or dlerror()'s message when the library or a function is
// missing (`api` is then partly filled and must not be used). The library stays open for the process.
static inline const char *_Nullable nq_curl_load(nq_curl_api *_Nonnull api) {
    void *lib = dlopen("libcurl.so.4", RTLD_NOW | RTLD_LOCAL);
    if (!lib) return dlerror();
#define NQ_CURL_LOAD(name) if (!(*(void **)&api->name = dlsym(lib, "curl_" #name))) return dlerror();
    NQ_CURL_FUNCTIONS(NQ_CURL_LOAD)
    NQ_CURL_LOAD(easy_setopt)
    NQ_CURL_LOAD(easy_getinfo)
#undef NQ_CURL_LOAD
    return NULL;
}

// Typed wrappers for the variadic curl_easy_setopt / curl_easy_getinfo.
#define NQ_CURL_SETOPT(api) ((__typeof__(&curl_easy_setopt))(api)->easy_setopt)
static inline CURLcode nq_curl_setopt_long(const nq_curl_api *_Nonnull a, CURL *h, CURLoption o, long v) { return NQ_CURL_SETOPT(a)(h, o, v); }
static inline CURLcode nq_curl_setopt_string(const nq_curl_api *_Nonnull a, CURL *h, CURLoption o, const char *v) { return NQ_CURL_SETOPT(a)(h, o, v); }
static inline CURLcode nq_curl_setopt_pointer(const nq_curl_api *_Nonnull a, CURL *h, CURLoption o, void *v) { return NQ_CURL_SETOPT(a)(h, o, v); }
static inline CURLcode nq_curl_setopt_slist(const nq_curl_api *_Nonnull a, CURL *h, CURLoption o, struct curl_slist *v) { return NQ_CURL_SETOPT(a)(h, o, v); }
static inline CURLcode nq_curl_setopt_offset(const nq_curl_api *_Nonnull a, CURL *h, CURLoption o, curl_off_t v) { return NQ_CURL_SETOPT(a)(h, o, v); }

typedef size_t (*nq_curl_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
static inline CURLcode nq_curl_setopt_callback(const nq_curl_api *_Nonnull a, CURL *h, CURLoption o, nq_curl_data_callback v) { return NQ_CURL_SETOPT(a)(h, o, v); }

static inline CURLcode nq_curl_getinfo_long(const nq_curl_api *_Nonnull a, CURL *h, CURLINFO i, long *v) {
    return ((__typeof__(&curl_easy_getinfo))a->easy_getinfo)(h, i, v);
}
#undef NQ_CURL_SETOPT
