module github.com/acme/status-page

go 1.23
