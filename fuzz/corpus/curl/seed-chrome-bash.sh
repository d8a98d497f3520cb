# Chrome DevTools, Network panel, "Copy as cURL (bash)" of a JSON POST from a signed-in web app:
# the shape Chrome writes (single quotes, one -H per header, cookies as -b, the body as
# --data-raw with $'…' when it holds a quote or newline). Host, cookie and token are made up.
curl 'https://app.example.com/api/v2/search?limit=20&sort=recent' \
  -H 'accept: application/json, text/plain, */*' \
  -H 'accept-language: en-GB,en;q=0.9,de;q=0.8' \
  -H 'authorization: Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJ1XzQyIn0.c2lnbmF0dXJl' \
  -H 'content-type: application/json' \
  -b '_ga=GA1.1.1234567890.1700000000; session=s%3Aabcdef.ghijkl' \
  -H 'origin: https://app.example.com' \
  -H 'priority: u=1, i' \
  -H 'referer: https://app.example.com/search' \
  -H 'sec-ch-ua: "Chromium";v="128", "Not;A=Brand";v="24", "Google Chrome";v="128"' \
  -H 'sec-ch-ua-mobile: ?0' \
  -H 'sec-ch-ua-platform: "macOS"' \
  -H 'sec-fetch-dest: empty' \
  -H 'sec-fetch-mode: cors' \
  -H 'sec-fetch-site: same-origin' \
  -H 'user-agent: Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/128.0.0.0 Safari/537.36' \
  --data-raw $'{"query":"latchkey \'oauth\'","filters":{"type":["repo","issue"]},"page":1}'
