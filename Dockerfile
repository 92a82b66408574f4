# syntax=docker/dockerfile:1
#
# One static binary (CGO_ENABLED=0: the SQLite driver is pure Go) on a
# distroless base that runs as a non-root user and carries CA certificates.
#
#   docker build -t prodready --build-arg VERSION=$(git describe --always) .
#   docker run -p 8080:8080 -v prodready-data:/data \
#     -e GITHUB_APP_ID=… -e GITHUB_PRIVATE_KEY="$(cat app.pem)" -e GITHUB_WEBHOOK_SECRET=… prodready
#   docker run -i --rm prodready check - < change.diff

FROM golang:1.26-bookworm AS build
WORKDIR /src
ENV CGO_ENABLED=0
COPY . .
ARG VERSION=""
RUN --mount=type=cache,target=/root/go/pkg/mod \
    --mount=type=cache,target=/root/.cache/go-build \
    go build -trimpath -ldflags "-s -w -X main.version=${VERSION}" -o /out/app ./cmd/app \
 && mkdir -p /out/data

FROM gcr.io/distroless/static-debian12:nonroot
COPY --from=build /out/app /app
# A fresh named volume takes this directory's owner, so the non-root user
# can create the SQLite file in it.
COPY --from=build --chown=65532:65532 /out/data /data
ENV PRODREADY_DB_PATH=/data/prodready.db \
    PORT=8080
VOLUME ["/data"]
EXPOSE 8080
USER 65532:65532
ENTRYPOINT ["/app"]
CMD ["serve"]
