# GitHub REST API documentation, "Create an issue"
# (docs.github.com/en/rest/issues/issues#create-an-issue), the cURL sample as the page publishes it (transcribed, not fetched: compare with the page when updating).
curl -L \
  -X POST \
  -H "Accept: application/vnd.github+json" \
  -H "Authorization: Bearer <YOUR-TOKEN>" \
  -H "X-GitHub-Api-Version: 2022-11-28" \
  https://api.github.com/repos/OWNER/REPO/issues \
  -d '{"title":"Found a bug","body":"I'\''m having a problem with this.","assignees":["octocat"],"milestone":1,"labels":["bug"]}'
