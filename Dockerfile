# carecover as a container: the built-in Kumamoto data and the map widget in one binary.
#
#   docker build -t carecover .
#   docker run --rm -p 8080:8080 carecover
#
# Deployment (replicas, static map on a CDN, reloads): docs/deployment.md.

# --- build: the release binary. npm fetches MapLibre GL JS (and the widget's other browser
# libraries) at the versions web/package-lock.json pins; nothing is fetched at run time.
FROM rust:1.95-slim-bookworm AS build
# Unpinned on purpose (hadolint DL3008): Debian's security updates replace a pinned version and
# would break the build; what the binary holds is pinned by Cargo.lock and package-lock.json.
# hadolint ignore=DL3008
RUN apt-get update \
 && apt-get install -y --no-install-recommends nodejs npm \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /src
COPY . .
ENV CARECOVER_REQUIRE_MAPLIBRE=1
RUN cargo build --release --locked --bin carecover \
 && install -m 0755 target/release/carecover /usr/local/bin/carecover

# --- run: the binary alone (glibc, libgcc, libm: all in debian-slim), as a non-root user.
FROM debian:bookworm-slim
RUN useradd --system --uid 10001 --user-group --no-create-home --shell /usr/sbin/nologin carecover
COPY --from=build /usr/local/bin/carecover /usr/local/bin/carecover
USER 10001:10001
# `serve` and `healthcheck` both read the address from here.
ENV CARECOVER_ADDR=0.0.0.0:8080
EXPOSE 8080
# SIGTERM drains in-flight requests (serve --drain-timeout, default 20 s) and exits 0; SIGHUP
# reloads a mounted --data folder without dropping a request.
STOPSIGNAL SIGTERM
HEALTHCHECK --interval=10s --timeout=5s --start-period=60s --retries=3 CMD ["carecover", "healthcheck"]
ENTRYPOINT ["carecover"]
CMD ["serve"]
