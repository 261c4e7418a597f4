# syntax=docker/dockerfile:1
#
# AudioGrains silo image: the SDK stage restores and publishes src/AudioGrains.Silo; the runtime stage is
# Debian 12 slim with Debian's ffmpeg, the ASP.NET Core runtime taken from that same SDK, and nothing else.
#
#   docker build -t audiograins:dev .        # with access to the official images
#   scripts/image                            # anywhere: makes local bases when those cannot be pulled
#
# Bases (build arguments):
# - SDK_IMAGE: any .NET 10 SDK image whose `dotnet` carries the ASP.NET Core runtime (the official ones do).
#   global.json is deliberately not copied in: it pins SDK 10.0.400 with rollForward=latestPatch (the 10.0.4xx
#   feature band only), while the sdk:10.0 tag follows whichever feature band is newest, so honouring it would
#   fail the build whenever the two differ. The image's own 10.0 SDK builds the silo as is.
# - BASE_IMAGE: Debian 12 "bookworm" slim. The official .NET 10 runtime images are Ubuntu, Alpine or Azure
#   Linux only; the silo is developed and tested against Debian 12's ffmpeg, so the runtime stage is Debian with
#   the runtime copied in from the SDK stage (the same release's files as the aspnet image's).
ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
ARG BASE_IMAGE=docker.io/library/debian:bookworm-slim

FROM ${SDK_IMAGE} AS build
# NuGet checks package signatures; where certificate revocation servers cannot be reached, pass "offline".
ARG NUGET_CERT_REVOCATION_MODE=online
ENV DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1
WORKDIR /source
# Build settings and central package versions, then the sources (.dockerignore keeps everything else out).
COPY Directory.Build.props Directory.Packages.props ./
COPY src/ src/
# The package cache survives between builds (BuildKit and buildah both keep cache mounts).
RUN --mount=type=cache,id=audiograins-nuget,target=/root/.nuget/packages \
    dotnet restore src/AudioGrains.Silo/AudioGrains.Silo.csproj --disable-build-servers \
 && dotnet publish src/AudioGrains.Silo/AudioGrains.Silo.csproj -c Release --no-restore --disable-build-servers \
      -p:UseAppHost=false -o /out/app
# The runtime the silo needs (host, .NET and ASP.NET Core shared frameworks), from this SDK's own install.
RUN root="$(dirname "$(readlink -f "$(command -v dotnet)")")" \
 && mkdir -p /out/dotnet/shared \
 && cp -a "$root/dotnet" "$root/host" /out/dotnet/ \
 && cp -a "$root/shared/Microsoft.NETCore.App" "$root/shared/Microsoft.AspNetCore.App" /out/dotnet/shared/ \
 && for notice in LICENSE.txt ThirdPartyNotices.txt; do \
      if [ -f "$root/$notice" ]; then cp "$root/$notice" /out/dotnet/; fi; \
    done

FROM ${BASE_IMAGE} AS runtime
ARG BASE_IMAGE
ARG VERSION=dev
ARG REVISION=unknown
ARG CREATED=unknown
# ffmpeg/ffprobe for the media pipeline; curl for the HEALTHCHECK; TLS roots for S3 and callbacks; time zones.
# .NET itself needs no libicu here (the silo is built with InvariantGlobalization). The user is the .NET images'
# non-root "app" (1654:1654, what the k8s manifests run as); its home is /tmp, so nothing needs a writable root.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg curl ca-certificates tzdata libssl3 libstdc++6 \
 && rm -rf /var/lib/apt/lists/* /var/cache/apt/archives/*.deb \
 && groupadd --gid 1654 app \
 && useradd --uid 1654 --gid 1654 --no-create-home --home-dir /tmp --shell /usr/sbin/nologin app \
 && install -d -o 1654 -g 1654 -m 0750 /data \
 && ln -s /usr/share/dotnet/dotnet /usr/bin/dotnet
COPY --from=build /out/dotnet /usr/share/dotnet
COPY --from=build /out/app /app

# Container defaults; every one can be overridden with -e / env:. All writes go to /tmp (an emptyDir or tmpfs)
# or /data (the shared volume of folder storage), so the root filesystem can be mounted read-only.
# Server GC: with its dynamic adaptation (DATAS, on by default since .NET 9) it starts with one heap and adds
# heaps only under load; measured here it peaked lower than workstation GC (docs/container.md), and Orleans
# recommends it (it logs a warning without it).
ENV APP_UID=1654 \
    DOTNET_RUNNING_IN_CONTAINER=true \
    DOTNET_NOLOGO=1 \
    DOTNET_gcServer=1 \
    HOME=/tmp \
    TMPDIR=/tmp \
    AudioGrains__Logging__Format=json \
    AudioGrains__Management__Port=9090 \
    AudioGrains__DataDirectory=/data \
    AudioGrains__Processing__TempDirectory=/tmp/audiograins \
    AudioGrains__S3__TempDirectory=/tmp/audiograins-s3

# 11111 silo-to-silo, 30000 client gateway, 8080 the HTTP API (when AudioGrains__Http__Port=8080 is set),
# 9090 the management listener (/metrics, /health/live, /health/ready).
EXPOSE 11111 30000 8080 9090

# Liveness from the management listener, which binds the silo's own address (AudioGrains__Address).
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD addr="${AudioGrains__Address:-127.0.0.1}"; case "$addr" in *:*) addr="[$addr]";; esac; \
      curl -fsS -o /dev/null --max-time 4 "http://$addr:${AudioGrains__Management__Port}/health/live" || exit 1

LABEL org.opencontainers.image.title="audiograins-silo" \
      org.opencontainers.image.description="AudioGrains silo: Orleans cluster member that normalizes audio loudness with ffmpeg; optional HTTP API" \
      org.opencontainers.image.version="${VERSION}" \
      org.opencontainers.image.revision="${REVISION}" \
      org.opencontainers.image.created="${CREATED}" \
      org.opencontainers.image.base.name="${BASE_IMAGE}"

WORKDIR /app
USER 1654:1654
# SIGTERM (the default stop signal) makes the silo drain for up to 30 s: stop with a timeout above that.
STOPSIGNAL SIGTERM
ENTRYPOINT ["dotnet", "/app/AudioGrains.Silo.dll"]
