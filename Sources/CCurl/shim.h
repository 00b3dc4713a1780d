#include <curl/curl.h>

// Typed wrappers for the variadic curl_easy_setopt / curl_easy_getinfo, which Swift cannot call.
static inline CURLcode nq_curl_setopt_long(CURL *h, CURLoption o, long v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode nq_curl_setopt_string(CURL *h, CURLoption o, const char *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode nq_curl_setopt_pointer(CURL *h, CURLoption o, void *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode nq_curl_setopt_slist(CURL *h, CURLoption o, struct curl_slist *v) { return curl_easy_setopt(h, o, v); }
static inline CURLcode nq_curl_setopt_offset(CURL *h, CURLoption o, curl_off_t v) { return curl_easy_setopt(h, o, v); }

typedef size_t (*nq_curl_data_callback)(char *ptr, size_t size, size_t nmemb, void *userdata);
static inline CURLcode nq_curl_setopt_callback(CURL *h, CURLoption o, nq_curl_data_callback v) { return curl_easy_setopt(h, o, v); }

static inline CURLcode nq_curl_getinfo_long(CURL *h, CURLINFO i, long *v) { return curl_easy_getinfo(h, i, v); }
