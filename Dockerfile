# tracuu: CPU-only image with the bundled corpus indexed at build time.
#   docker build -t tracuu .
#   docker run -p 8000:8000 -e TRACUU_ADMIN_KEYS=change-me tracuu
FROM python:3.11-slim AS base

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    HF_HUB_OFFLINE=1 \
    TRANSFORMERS_OFFLINE=1 \
    TRACUU_INDEX_DIR=/data/index \
    TRACUU_CORPUS_DIR=/data/documents \
    TRACUU_HOST=0.0.0.0 \
    PORT=8000

RUN useradd --create-home --uid 10001 tracuu
WORKDIR /app

# CPU build of torch first: the default PyPI wheel pulls several GB of CUDA libraries.
COPY constraints.txt ./
RUN pip install --index-url https://download.pytorch.org/whl/cpu "torch==2.13.0"

COPY pyproject.toml README.md ./
COPY corpus ./corpus
COPY index ./index
COPY service ./service
COPY evaluation ./evaluation
RUN pip install -c constraints.txt . \
 && mkdir -p /data/documents /data/index /models \
 && cp corpus/documents/* /data/documents/ \
 && chown -R tracuu:tracuu /data /models

USER tracuu
# The bundled corpus is indexed at image build (lexical-only: no model needed).
RUN tracuu build --corpus /data/documents --index /data/index

EXPOSE 8000
VOLUME ["/data"]
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD python -c "import os,urllib.request; urllib.request.urlopen(f'http://127.0.0.1:{os.environ.get(\"PORT\",\"8000\")}/healthz', timeout=4)"
CMD ["tracuu", "serve"]
