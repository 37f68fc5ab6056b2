FROM python:3.12-slim
WORKDIR /app
COPY . .
RUN pip install --no-cache-dir .
# state (embedded database, keys) in one place a volume can hold, not the user data directory
ENV CLAIMGRAPH_HOME=/state
EXPOSE 8000
CMD ["claimgraph", "serve", "--host", "0.0.0.0", "--port", "8000"]
