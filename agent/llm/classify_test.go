package llm_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"syscall"
	"testing"

	"github.com/argusqa/argus/agent/llm"
)

func TestIsRetryable(t *testing.T) {
	wrapNet := func(err error) error {
		return &url.Error{Op: "Post", URL: "https://api.example/v1", Err: &net.OpError{Op: "read", Net: "tcp", Err: os.NewSyscallError("read", err)}}
	}
	for _, tc := range []struct {
		name string
		err  error
		want bool
	}{
		{"nil", nil, false},
		{"429", &llm.APIError{StatusCode: 429}, true},
		{"503 wrapped", fmt.Errorf("call: %w", &llm.APIError{StatusCode: 503}), true},
		{"529 overloaded", &llm.APIError{StatusCode: 529}, true},
		{"408", &llm.APIError{StatusCode: 408}, true},
		{"400", &llm.APIError{StatusCode: 400}, false},
		{"401 wrapping a timeout", &llm.APIError{StatusCode: 401, Err: context.DeadlineExceeded}, false},
		{"call timeout", fmt.Errorf("%w: context canceled", llm.ErrCallTimeout), true},
		{"deadline inside the SDK", fmt.Errorf("request: %w", context.DeadlineExceeded), true},
		{"cancelled", fmt.Errorf("request: %w", context.Canceled), false},
		{"connection reset", wrapNet(syscall.ECONNRESET), true},
		{"connection refused", wrapNet(syscall.ECONNREFUSED), true},
		{"broken pipe", wrapNet(syscall.EPIPE), true},
		{"server closed early", &url.Error{Op: "Post", URL: "u", Err: io.EOF}, true},
		{"truncated body", fmt.Errorf("read body: %w", io.ErrUnexpectedEOF), true},
		{"network timeout", &url.Error{Op: "Post", URL: "u", Err: os.ErrDeadlineExceeded}, true},
		{"temporary DNS failure", &net.DNSError{Err: "server misbehaving", Name: "api.example", IsTemporary: true}, true},
		{"unknown host", &net.DNSError{Err: "no such host", Name: "api.example", IsNotFound: true}, false},
		{"decode error", errors.New("invalid character '<' looking for beginning of value"), false},
	} {
		if got := llm.IsRetryable(tc.err); got != tc.want {
			t.Errorf("%s: IsRetryable(%v) = %v, want %v", tc.name, tc.err, got, tc.want)
		}
	}
}
