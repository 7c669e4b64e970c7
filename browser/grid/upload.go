package grid

import (
	"archive/zip"
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/argusqa/argus/browser/webdriver"
)

// maxUploadBytes bounds a file sent to the grid; the base64 zip travels in
// one JSON request.
const maxUploadBytes = 50 << 20

// uploader sends files through Selenium's POST /session/{id}/se/file,
// which takes a base64 zip holding one file and answers with the path of
// the unpacked file on the node.
type uploader struct {
	endpoint string
	http     *http.Client
	session  func() string
}

// upload returns the path of localPath as the browser sees it. A remote
// end without the endpoint (a plain chromedriver) shares this host's
// filesystem, so the local path is returned as is.
func (u uploader) upload(ctx context.Context, localPath string) (string, error) {
	f, err := os.Open(localPath)
	if err != nil {
		return "", err
	}
	defer f.Close()
	var zbuf bytes.Buffer
	zw := zip.NewWriter(&zbuf)
	w, err := zw.Create(filepath.Base(localPath))
	if err != nil {
		return "", fmt.Errorf("zip %s: %w", localPath, err)
	}
	n, err := io.Copy(w, io.LimitReader(f, maxUploadBytes+1))
	if err != nil {
		return "", fmt.Errorf("zip %s: %w", localPath, err)
	}
	if n > maxUploadBytes {
		return "", fmt.Errorf("%s is larger than %d MiB", localPath, maxUploadBytes>>20)
	}
	if err := zw.Close(); err != nil {
		return "", fmt.Errorf("zip %s: %w", localPath, err)
	}
	body, _ := json.Marshal(map[string]string{"file": base64.StdEncoding.EncodeToString(zbuf.Bytes())})
	target := strings.TrimRight(u.endpoint, "/") + "/session/" + url.PathEscape(u.session()) + "/se/file"
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := u.http.Do(req)
	if err != nil {
		return "", fmt.Errorf("send file to grid: %w", err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 1<<20))
	if err != nil {
		return "", fmt.Errorf("send file to grid: %w", err)
	}
	var env struct {
		Value json.RawMessage `json:"value"`
	}
	if err := json.Unmarshal(data, &env); err != nil {
		return "", fmt.Errorf("send file to grid: HTTP %d: not WebDriver JSON", resp.StatusCode)
	}
	if resp.StatusCode >= 400 {
		var e struct {
			Error   string `json:"error"`
			Message string `json:"message"`
		}
		_ = json.Unmarshal(env.Value, &e)
		werr := &webdriver.Error{Code: e.Error, Message: e.Message, HTTPStatus: resp.StatusCode, Command: "POST /session/{id}/se/file"}
		if errors.Is(werr, webdriver.ErrUnknownCommand) || errors.Is(werr, webdriver.ErrUnknownMethod) || resp.StatusCode == http.StatusNotFound {
			return localPath, nil
		}
		return "", fmt.Errorf("send file to grid: %w", werr)
	}
	var remote string
	if err := json.Unmarshal(env.Value, &remote); err != nil || remote == "" {
		return "", fmt.Errorf("send file to grid: answer without a path")
	}
	return remote, nil
}

func webdriverHTTPClient() *http.Client {
	return &http.Client{Transport: webdriver.NewTransport()}
}
