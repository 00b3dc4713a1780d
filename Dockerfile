# nq: one image for every role of deploy/compose.yaml (producer, stream consumer, batch cron,
# dashboard). Build from the repository root:  docker build -t nq .
# Not built or run on the development machines (no Docker engine there); see docs/deploy.md.

# --- build: Swift 6.3 on Debian 12 (bookworm) with the C libraries nq links
FROM swift:6.3-bookworm AS build
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libsqlite3-dev liblz4-dev libdeflate-dev librdkafka-dev libcurl4-openssl-dev pkg-config \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY Package.swift ./
COPY Sources ./Sources
COPY Tests ./Tests
COPY Fuzz ./Fuzz
COPY schemas ./schemas
RUN swift build -c release --product nq --static-swift-stdlib \
 && install -D .build/release/nq /out/nq

# --- run: the shared libraries only, plus cron for the batch role
FROM debian:bookworm-slim
RUN apt-get update \
 && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends \
      libsqlite3-0 liblz4-1 libdeflate0 librdkafka1 libcurl4 ca-certificates cron tzdata \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --uid 10001 --home-dir /data nq \
 && mkdir -p /data && chown nq /data
COPY --from=build /out/nq /usr/local/bin/nq
ENV NQ_STORE=/data/nq-data TZ=UTC
VOLUME ["/data"]
USER nq
WORKDIR /data
ENTRYPOINT ["nq"]
CMD ["--help"]
