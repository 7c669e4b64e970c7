package config

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestGitHubAppSettings(t *testing.T) {
	k, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	pemKey := string(pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Bytes: x509.MarshalPKCS1PrivateKey(k)}))
	file := filepath.Join(t.TempDir(), "app.pem")
	if err := os.WriteFile(file, []byte(pemKey), 0o600); err != nil {
		t.Fatal(err)
	}
	settings := []Setting{GitHubAppID, GitHubAppPrivateKey, GitHubAPIURL}
	for name, v := range map[string]string{
		"pem":          pemKey,
		"escaped pem":  strings.ReplaceAll(pemKey, "\n", `\n`),
		"base64 pem":   base64.StdEncoding.EncodeToString([]byte(pemKey)),
		"path of file": file,
	} {
		cfg, _, err := load(t, map[string]string{"ARGUS_GITHUB_APP_ID": "12345", "ARGUS_GITHUB_APP_PRIVATE_KEY": v}, nil, settings...)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if cfg.GitHubAppID != 12345 || strings.TrimSpace(string(cfg.GitHubAppPrivateKey)) != strings.TrimSpace(pemKey) || cfg.GitHubAPIURL != "https://api.github.com/" {
			t.Fatalf("%s: %d %q", name, cfg.GitHubAppID, cfg.GitHubAPIURL)
		}
	}

	cfg, _, err := load(t, nil, nil, settings...)
	if err != nil || cfg.GitHubAppID != 0 || cfg.GitHubAppPrivateKey != nil {
		t.Fatalf("off by default: %v", err)
	}

	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ecDER, _ := x509.MarshalPKCS8PrivateKey(ec)
	ecPEM := string(pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: ecDER}))
	for name, vars := range map[string]map[string]string{
		"id without key": {"ARGUS_GITHUB_APP_ID": "1"},
		"key without id": {"ARGUS_GITHUB_APP_PRIVATE_KEY": pemKey},
		"id not numeric": {"ARGUS_GITHUB_APP_ID": "my-app", "ARGUS_GITHUB_APP_PRIVATE_KEY": pemKey},
		"ecdsa key":      {"ARGUS_GITHUB_APP_ID": "1", "ARGUS_GITHUB_APP_PRIVATE_KEY": ecPEM},
		"missing file":   {"ARGUS_GITHUB_APP_ID": "1", "ARGUS_GITHUB_APP_PRIVATE_KEY": "/nonexistent/app.pem"},
		"broken pem":     {"ARGUS_GITHUB_APP_ID": "1", "ARGUS_GITHUB_APP_PRIVATE_KEY": "-----BEGIN RSA PRIVATE KEY-----\nc2VjcmV0LWJ5dGVz\n-----END RSA PRIVATE KEY-----"},
		"api URL":        {"ARGUS_GITHUB_API_URL": "ghe.example.com"},
	} {
		_, _, err := load(t, vars, nil, settings...)
		if err == nil {
			t.Errorf("%s: accepted", name)
			continue
		}
		if strings.Contains(err.Error(), "c2VjcmV0") || strings.Contains(err.Error(), "MII") {
			t.Errorf("%s: error quotes the key: %v", name, err)
		}
	}
}

func TestBlobURL(t *testing.T) {
	for raw, want := range map[string]string{
		"":                      "data/blobs",
		"file:///var/lib/argus": "file:///var/lib/argus",
		"gs://bucket/argus":     "gs://bucket/argus",
		"/srv/blobs":            "/srv/blobs",
	} {
		cfg, _, err := load(t, map[string]string{"ARGUS_BLOB_URL": raw}, nil, BlobURL, BlobDir)
		if err != nil || cfg.BlobLocation() != want {
			t.Errorf("%q: %q, %v", raw, cfg.BlobLocation(), err)
		}
	}
	for _, bad := range []string{"gs://", "s3://bucket", "file://host/dir", "gs://user:pw@bucket"} {
		if _, _, err := load(t, map[string]string{"ARGUS_BLOB_URL": bad}, nil, BlobURL); err == nil {
			t.Errorf("%q accepted", bad)
		} else if strings.Contains(err.Error(), "pw") {
			t.Errorf("%q: error echoes the password: %v", bad, err)
		}
	}
}
