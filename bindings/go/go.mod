module github.com/register-usage-jwt/register-usage-jwt/bindings/go

go 1.19
