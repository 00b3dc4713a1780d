#include <librdkafka/rdkafka.h>
#include <librdkafka/rdkafka_mock.h>
#include <dlfcn.h>

// librdkafka is not linked into nq: it is opened with dlopen the first time a Kafka client is made. Linked, it
// and the libraries it depends on (OpenSSL, SASL, zstd, ...) would be mapped and relocated at the start of
// every nq process, queries included (see docs/decisions.md).

// The librdkafka functions nq calls, without their "rd_kafka_" prefix.
#define NQ_RDKAFKA_FUNCTIONS(X) \
    X(new) X(destroy) X(opaque) X(err2str) X(last_error) X(poll) X(flush) X(outq_len) X(metadata) \
    X(metadata_destroy) X(conf_new) X(conf_destroy) X(conf_set) X(conf_set_opaque) X(conf_set_error_cb) \
    X(conf_set_log_cb) X(conf_set_dr_msg_cb) X(conf_set_rebalance_cb) X(topic_new) X(topic_destroy) \
    X(topic_name) X(produce) X(subscribe) X(assign) X(assignment) X(commit) X(consumer_poll) \
    X(consumer_close) X(poll_set_consumer) X(consume_queue) X(message_destroy) X(message_errstr) \
    X(query_watermark_offsets) X(get_watermark_offsets) X(topic_partition_list_new) \
    X(topic_partition_list_add) X(topic_partition_list_destroy) X(queue_new) X(queue_destroy) \
    X(queue_forward) X(queue_get_partition) X(queue_length) X(queue_poll) X(event_destroy) X(event_error) \
    X(event_error_string) X(topic_result_error) X(topic_result_error_string) X(mock_cluster_new) \
    X(mock_cluster_destroy) X(mock_cluster_bootstraps) X(mock_topic_create) X(mock_broker_set_down) \
    X(mock_broker_set_up) X(mock_partition_set_leader) X(mock_push_request_errors_array) X(NewTopic_new) \
    X(NewTopic_destroy) X(CreateTopics) X(CreateTopics_result_topics) X(event_CreateTopics_result)

// The loaded functions, each with its exact prototype from rdkafka.h / rdkafka_mock.h.
typedef struct nq_rdkafka_api {
#define NQ_RDKAFKA_FIELD(name) __typeof__(&rd_kafka_##name) _Nonnull name;
    NQ_RDKAFKA_FUNCTIONS(NQ_RDKAFKA_FIELD)
#undef NQ_RDKAFKA_FIELD
} nq_rdkafka_api;

// Opens librdkafka.so.1 and fills `api`. Returns NULL, or dlerror()'s message when the library or a function
// is missing (`api` is then partly filled and must not be used). The library stays open for the process.
static inline const char *_Nullable nq_rdkafka_load(nq_rdkafka_api *_Nonnull api) {
    void *lib = dlopen("librdkafka.so.1", RTLD_NOW | RTLD_LOCAL);
    if (!lib) return dlerror();
#define NQ_RDKAFKA_LOAD(name) if (!(*(void **)&api->name = dlsym(lib, "rd_kafka_" #name))) return dlerror();
    NQ_RDKAFKA_FUNCTIONS(NQ_RDKAFKA_LOAD)
#undef NQ_RDKAFKA_LOAD
    return NULL;
}
