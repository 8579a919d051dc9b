# syntax=docker/dockerfile:1
# sertel's container image: one image holding the four services and sertelctl.
#
# Why one image and not four: the four binaries come from one CMake build of one source tree
# and share every library (common/, the generated protos, gRPC, libpqxx, OpenSSL), so one build
# gives one version of the suite under one tag; the registry stores the shared layers once;
# and there is no way to run intake from one build against disposition from another by
# mistake. Each Deployment picks its binary with `command` (k8s/base/*-service.yaml), the
# migration Job runs `<svc>-service migrate`, and an operator can run sertelctl from the same
# image. Build it from the repository root:
#
#   docker build -t sertel:dev .
#
# No Docker engine runs on the project's development machines, so this file is checked by
# k8s/tests/check_manifests.py (users, binaries, base images) but built only where an engine
# exists; see k8s/README.md ("The image").

# ---- build stage: Debian 12 with exactly the packages the scripts install --------------------
FROM debian:12 AS build
ENV DEBIAN_FRONTEND=noninteractive
WORKDIR /src
# The package list lives in one place, scripts/install-deps.sh; this layer is rebuilt only when
# that script changes. It also puts google-proto-files (google/rpc/*.proto) and buf into
# /src/.cache/npm from the npm registry.
COPY scripts/install-deps.sh scripts/lib.sh scripts/
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends ca-certificates \
 && scripts/install-deps.sh \
 && rm -rf /var/lib/apt/lists/*
COPY . .
# Only the binaries the image ships; no tests, no benchmarks.
RUN --mount=type=cache,target=/root/.cache/ccache \
    targets="intake-service disposition-service certificate-service notification-service sertelctl" \
 && bins="intake-service/intake-service disposition-service/disposition-service \
          certificate-service/certificate-service notification-service/notification-service \
          tools/sertelctl/sertelctl" \
 && cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=Release -DSERTEL_BUILD_TESTS=OFF \
 && cmake --build build -j"$(nproc)" --target $targets \
 && mkdir -p /out \
 && for b in $bins; do install -m 0755 -s "build/$b" /out/; done

# ---- runtime stage: Debian 12 slim with only the shared libraries the binaries load ----------
FROM debian:12-slim AS runtime
ENV DEBIAN_FRONTEND=noninteractive
# Debian 12 names (checked with apt-cache policy): gRPC 1.51 (with reflection and libgrpc29),
# protobuf 3.21, Abseil 20220623, libpqxx 6.4 (and libpq5), cpp-httplib 0.11 (/metrics),
# libcurl (SMTP and the WhatsApp API), OpenSSL 3, qpdf 11 (VerifyDocument's PDF structure); ca-certificates for the system CAs that
# SMTP and the WhatsApp Cloud API are verified against.
RUN apt-get update -qq \
 && apt-get install -y -qq --no-install-recommends \
      libgrpc++1.51 libgrpc29 libprotobuf32 libabsl20220623 \
      libpqxx-6.4 libpq5 libcpp-httplib0.11 libcurl4 libssl3 libqpdf29 ca-certificates \
 && rm -rf /var/lib/apt/lists/* \
 && groupadd --system --gid 10001 sertel \
 && useradd --system --uid 10001 --gid 10001 --no-create-home --home-dir /nonexistent \
      --shell /usr/sbin/nologin sertel
COPY --from=build /out/ /usr/local/bin/
# Fail the build, not the pod, when a shared library is missing from the list above.
RUN set -e; for b in /usr/local/bin/*; do \
      if ldd "$b" | grep -q "not found"; then ldd "$b"; exit 1; fi; \
    done
# Numeric, so Kubernetes can verify runAsNonRoot without reading /etc/passwd.
USER 10001:10001
# gRPC (TLS), /metrics and /healthz (HTTP, port + 1000; certificate also /crl.der), and the
# plaintext health-only listener for Kubernetes' gRPC probes (port + 2000).
EXPOSE 50051 50052 50053 50054 51051 51052 51053 51054 52051 52052 52053 52054
LABEL org.opencontainers.image.title="sertel" \
      org.opencontainers.image.description="sertel: intake, disposition, certificate and notification services and sertelctl" \
      org.opencontainers.image.licenses="NOASSERTION"
# Kubernetes sets `command` per Deployment; run alone, the image shows the CLI's help.
CMD ["sertelctl", "--help"]
