# syntax=docker/dockerfile:1
#
# AudioGrains silo image -- UNFINISHED PLACEHOLDER.
#
# Not built or run here yet: the machine this was written on has no Docker engine.
# It is meant to build as is (multi-stage: SDK image builds, runtime image runs), but
# until a later issue adds the deployment (see k8s/README.md) nothing configures the
# silo for containers: clustering (Redis), the shared blob-store volume, ports, health
# probes and the non-root user's writable paths are all still to be decided.
#
#   docker build -t audiograins-silo .
#   docker run --rm audiograins-silo
#
# Note: global.json pins SDK 10.0.400 with rollForward=latestPatch, but the dotnet/sdk
# images only ship the newest feature band of 10.0. It is therefore not copied into the
# build stage; the image's 10.0 SDK is used as is. Override with --build-arg SDK_IMAGE=...

ARG SDK_IMAGE=mcr.microsoft.com/dotnet/sdk:10.0
# Every silo references the gateway (completion callbacks, the optional HTTP API): ASP.NET Core runtime.
ARG RUNTIME_IMAGE=mcr.microsoft.com/dotnet/aspnet:10.0

FROM ${SDK_IMAGE} AS build
WORKDIR /source
ENV DOTNET_NOLOGO=1 DOTNET_CLI_TELEMETRY_OPTOUT=1

# Build settings and central package versions first, then the sources.
COPY Directory.Build.props Directory.Packages.props ./
COPY src/ src/
# Drop any bin/obj that came from a developer checkout (there is no .dockerignore yet).
RUN find src -type d \( -name bin -o -name obj \) -prune -exec rm -rf {} +
RUN dotnet restore src/AudioGrains.Silo/AudioGrains.Silo.csproj
RUN dotnet publish src/AudioGrains.Silo/AudioGrains.Silo.csproj \
      -c Release --no-restore -o /app

FROM ${RUNTIME_IMAGE} AS runtime
# The media pipeline shells out to ffmpeg/ffprobe.
RUN apt-get update \
 && apt-get install -y --no-install-recommends ffmpeg \
 && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY --from=build /app ./
# Orleans defaults: 11111 silo-to-silo, 30000 client gateway.
EXPOSE 11111 30000
# Non-root user provided by the .NET images.
USER $APP_UID
ENTRYPOINT ["dotnet", "AudioGrains.Silo.dll"]
