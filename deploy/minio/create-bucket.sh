#!/bin/sh
# Run by the `createbuckets` service of deploy/docker-compose.yml (image minio/mc) after MinIO is healthy.
# Creates FlowML's bucket and a MinIO user limited to that bucket, so the API and the presigned URLs it hands to
# workers never use MinIO's root credentials. Every step is idempotent: it runs again on each `docker compose up`.
# Uses only sh built-ins and `mc`: the minio/mc image has little else.
set -eu

: "${MINIO_ROOT_USER:?}" "${MINIO_ROOT_PASSWORD:?}" "${S3_BUCKET:?}" "${S3_ACCESS_KEY:?}" "${S3_SECRET_KEY:?}"

mc alias set flowml http://minio:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD"
mc mb --ignore-existing "flowml/$S3_BUCKET"

# The bucket and the objects in it, nothing else (FlowML reads, writes, lists, deletes and presigns GETs).
policy=/tmp/flowml-bucket-policy.json
printf '%s\n' \
  '{"Version": "2012-10-17", "Statement": [' \
  "  {\"Effect\": \"Allow\", \"Action\": [\"s3:*\"]," \
  "   \"Resource\": [\"arn:aws:s3:::$S3_BUCKET\", \"arn:aws:s3:::$S3_BUCKET/*\"]}" \
  ']}' >"$policy"
mc admin policy create flowml flowml-bucket "$policy"

# `user add` on an existing user only updates its secret, so a changed S3_SECRET_KEY takes effect on the next up.
mc admin user add flowml "$S3_ACCESS_KEY" "$S3_SECRET_KEY"
# `attach` refuses a policy that is already attached; detaching first (allowed to fail on the first run) makes the
# pair safe to repeat, and a real error still stops the script at `attach`.
mc admin policy detach flowml flowml-bucket --user "$S3_ACCESS_KEY" >/dev/null 2>&1 || true
mc admin policy attach flowml flowml-bucket --user "$S3_ACCESS_KEY"
echo "bucket $S3_BUCKET ready for user $S3_ACCESS_KEY"
