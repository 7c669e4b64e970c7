package browser

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"

	"github.com/argusqa/argus/browser/webdriver"
)

func (s *wdSession) Navigate(ctx context.Context, rawURL string) error {
	u, err := url.Parse(rawURL)
	if err != nil {
		return fmt.Errorf("browser: navigate: %w", fmtErr(ErrInvalidTarget, "bad URL %q: %v", rawURL, err))
	}
	switch {
	case (u.Scheme == "http" || u.Scheme == "https") && u.Host != "":
	case u.Scheme == "about" && u.Opaque == "blank":
	default:
		return fmt.Errorf("browser: navigate: %w", fmtErr(ErrInvalidTarget, "URL %q: only absolute http(s) URLs and about:blank are allowed", rawURL))
	}
	if s.egress != nil && u.Scheme != "about" {
		// Over HTTPS the proxy sees only a tunnel's host, not whether it
		// is the tab's navigation: the navigate command is checked here.
		if err := s.egress.refuseNavigation(ctx, u); err != nil {
			return s.fail("navigate to "+u.Redacted(), err)
		}
	}
	return s.navCommand(ctx, "navigate to "+u.Redacted(), u.String(), func(ctx context.Context) error { return s.wd.Navigate(ctx, u.String()) })
}

func (s *wdSession) Back(ctx context.Context) error {
	return s.navCommand(ctx, "go back", "", s.wd.Back)
}

func (s *wdSession) Forward(ctx context.Context) error {
	return s.navCommand(ctx, "go forward", "", s.wd.Forward)
}

func (s *wdSession) Refresh(ctx context.Context) error {
	return s.navCommand(ctx, "refresh", "", s.wd.Refresh)
}

// navCommand runs a navigation. One the target policy refused ends in
// ErrBlocked, whatever the driver answered (a refused page load may
// "succeed" onto an error page).
func (s *wdSession) navCommand(ctx context.Context, op, target string, cmd func(context.Context) error) error {
	ctx, done, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer done()
	var mark uint64
	if s.egress != nil {
		mark = s.egress.mark()
	}
	err = cmd(ctx)
	if s.egress != nil {
		if berr := s.egress.refusedSince(mark, target); berr != nil {
			return s.fail(op, berr)
		}
	}
	if err != nil {
		if errors.Is(err, webdriver.ErrTimeout) {
			err = fmt.Errorf("%w after %s: %w", ErrPageLoadTimeout, s.cfg.PageLoadTimeout, err)
		}
		return s.fail(op, err)
	}
	return nil
}

func (s *wdSession) Screenshot(ctx context.Context) ([]byte, error) {
	ctx, done, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	png, err := s.wd.Screenshot(ctx)
	if err != nil {
		return nil, s.fail("screenshot", err)
	}
	return png, nil
}

func (s *wdSession) ExecuteScript(ctx context.Context, script string, args ...any) (json.RawMessage, error) {
	ctx, done, err := s.begin(ctx)
	if err != nil {
		return nil, err
	}
	defer done()
	v, err := s.wd.ExecuteScript(ctx, script, args...)
	if err != nil {
		return nil, s.fail("execute script", err)
	}
	return v, nil
}
