package browser

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/argusqa/argus/browser/webdriver"
)

func (s *wdSession) Click(ctx context.Context, t Target) (Element, error) {
	ctx, done, err := s.begin(ctx)
	if err != nil {
		return Element{}, err
	}
	defer done()
	res, err := s.resolve(ctx, t, "click")
	if err != nil {
		return Element{}, s.fail("click "+t.String(), err)
	}
	el := res.El.element()
	if err := s.press(ctx, res); err != nil {
		return el, s.fail("click "+el.Label(), err)
	}
	return el, nil
}

// resolve finds the target in the page and waits until it is actionable.
func (s *wdSession) resolve(ctx context.Context, t Target, action string) (resolveResult, error) {
	req, err := s.request(t, action)
	if err != nil {
		return resolveResult{}, err
	}
	var res resolveResult
	err = s.callAgent(ctx, "resolve", &res, req)
	return res, err
}

// press clicks a resolved element: trusted mouse events at its centre over
// CDP, or the W3C Element Click command.
func (s *wdSession) press(ctx context.Context, res resolveResult) error {
	if s.cdp {
		return s.cdpClickAt(ctx, res.X, res.Y)
	}
	el, restore, err := s.classicElement(ctx, res.El.I, res.Frames)
	if err != nil {
		return err
	}
	defer restore()
	if err := el.Click(ctx); err != nil {
		if errors.Is(err, webdriver.ErrElementClickIntercepted) || errors.Is(err, webdriver.ErrElementNotInteractable) {
			return fmt.Errorf("%w: %w", ErrNotActionable, err)
		}
		return err
	}
	return nil
}

// cdpClickAt presses and releases the left mouse button at (x, y) of the
// top-level viewport. No separate move is sent: the press itself makes the
// browser fire the boundary events (pointerover, mouseover, mouseenter) at
// the new position, and each command is a round trip on the hot path. On
// the direct DevTools connection the release is sent right behind the
// press, without waiting for the press's answer: the browser queues a
// target's input events in order, so the page sees the same press then
// release, one round trip sooner.
func (s *wdSession) cdpClickAt(ctx context.Context, x, y float64) error {
	press := mouseEvent{Type: "mousePressed", X: x, Y: y, Button: "left", Buttons: 1, ClickCount: 1}
	release := mouseEvent{Type: "mouseReleased", X: x, Y: y, Button: "left", Buttons: 0, ClickCount: 1}
	if s.devtools != nil {
		err := s.devtools.Pipeline(ctx,
			webdriver.Command{Method: "Input.dispatchMouseEvent", Params: press},
			webdriver.Command{Method: "Input.dispatchMouseEvent", Params: release})
		if err != nil {
			return fmt.Errorf("dispatch mouse press and release: %w", err)
		}
		return nil
	}
	for _, ev := range [...]mouseEvent{press, release} {
		if err := s.cdpCall(ctx, "Input.dispatchMouseEvent", ev, nil); err != nil {
			return fmt.Errorf("dispatch %s: %w", ev.Type, err)
		}
	}
	return nil
}

// mouseEvent are Input.dispatchMouseEvent's parameters (a struct: encoded
// twice per click).
type mouseEvent struct {
	Type       string  `json:"type"`
	X          float64 `json:"x"`
	Y          float64 `json:"y"`
	Button     string  `json:"button"`
	Buttons    int     `json:"buttons"`
	ClickCount int     `json:"clickCount"`
}

// classicElement returns a W3C reference to the element with the given
// page-agent index, first switching into the frames that hold it; restore
// switches back to the top-level document.
func (s *wdSession) classicElement(ctx context.Context, index, frames int) (webdriver.Element, func(), error) {
	restore := func() {}
	if frames > 0 {
		restore = func() {
			// Best effort with a fresh context: the caller's may be over,
			// and later commands must start from the top document.
			rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), deleteTimeout)
			defer cancel()
			if err := s.wd.SwitchToTopFrame(rctx); err != nil {
				s.logger.Warn("switch back to top frame", "err", err)
			}
		}
	}
	const script = "var a=window.top[arguments[0]];return a?a.frameAt(arguments[1],arguments[2]):null"
	for depth := 0; ; depth++ {
		raw, err := s.wd.ExecuteScript(ctx, script, s.key, index, depth)
		if err != nil {
			restore()
			return webdriver.Element{}, nil, err
		}
		el, err := s.wd.ElementFromJSON(raw)
		if err != nil {
			restore()
			return webdriver.Element{}, nil, fmtErr(ErrStaleTarget, "element [%d] is no longer on the page", index)
		}
		if depth == frames {
			return el, restore, nil
		}
		if err := s.wd.SwitchToFrame(ctx, el); err != nil {
			restore()
			return webdriver.Element{}, nil, fmt.Errorf("switch into frame: %w", err)
		}
	}
}

func (s *wdSession) Type(ctx context.Context, t Target, text string, opts TypeOptions) (Element, error) {
	ctx, done, err := s.begin(ctx)
	if err != nil {
		return Element{}, err
	}
	defer done()
	res, err := s.resolve(ctx, t, "type")
	if err != nil {
		return Element{}, s.fail("type into "+t.String(), err)
	}
	el := res.El.element()
	if s.cdp {
		err = s.cdpType(ctx, res, text, opts)
	} else {
		err = s.classicType(ctx, res, text, opts)
	}
	if err != nil {
		// Never echo the text: it may be a secret.
		return el, s.fail("type into "+el.Label(), err)
	}
	return el, nil
}

func (s *wdSession) cdpType(ctx context.Context, res resolveResult, text string, opts TypeOptions) error {
	if !res.Focused {
		if err := s.cdpClickAt(ctx, res.X, res.Y); err != nil {
			return err
		}
	}
	var prep struct {
		Empty bool `json:"empty"`
	}
	if err := s.callAgent(ctx, "prepareType", &prep, res.El.I, opts.Clear); err != nil {
		return err
	}
	if opts.Clear && !prep.Empty {
		bs, _ := namedKey("Backspace")
		if err := s.cdpKey(ctx, bs, 0); err != nil {
			return err
		}
		// Some fields (number inputs) have no selection to delete.
		if err := s.callAgent(ctx, "forceClear", nil, res.El.I); err != nil {
			return err
		}
	}
	for _, r := range text {
		if err := s.cdpKey(ctx, charKey(r), 0); err != nil {
			return err
		}
	}
	return nil
}

// cdpKey presses and releases one key with the given modifiers held.
func (s *wdSession) cdpKey(ctx context.Context, k keyDef, modifiers int) error {
	if err := s.cdpKeyEvent(ctx, k, modifiers, true); err != nil {
		return err
	}
	return s.cdpKeyEvent(ctx, k, modifiers, false)
}

func (s *wdSession) cdpKeyEvent(ctx context.Context, k keyDef, modifiers int, down bool) error {
	p := map[string]any{
		"key":                   k.key,
		"code":                  k.code,
		"windowsVirtualKeyCode": k.vk,
		"nativeVirtualKeyCode":  k.vk,
		"modifiers":             modifiers,
	}
	switch {
	case !down:
		p["type"] = "keyUp"
	case k.text != "" && modifiers&(modCtrl|modAlt|modMeta) == 0:
		// keyDown with text makes the browser insert it (keypress and
		// input events follow); a shortcut must not insert anything.
		p["type"] = "keyDown"
		p["text"] = k.text
		p["unmodifiedText"] = k.text
	default:
		p["type"] = "rawKeyDown"
	}
	if err := s.cdpCall(ctx, "Input.dispatchKeyEvent", p, nil); err != nil {
		return fmt.Errorf("dispatch key: %w", err)
	}
	return nil
}

func (s *wdSession) classicType(ctx context.Context, res resolveResult, text string, opts TypeOptions) error {
	el, restore, err := s.classicElement(ctx, res.El.I, res.Frames)
	if err != nil {
		return err
	}
	defer restore()
	if opts.Clear {
		if err := el.Clear(ctx); err != nil {
			return err
		}
	}
	if text == "" {
		return nil
	}
	if err := el.SendKeys(ctx, text); err != nil {
		if errors.Is(err, webdriver.ErrElementNotInteractable) {
			return fmt.Errorf("%w: %w", ErrNotActionable, err)
		}
		return err
	}
	return nil
}

func (s *wdSession) Select(ctx context.Context, t Target, option string) (Element, error) {
	ctx, done, err := s.begin(ctx)
	if err != nil {
		return Element{}, err
	}
	defer done()
	res, err := s.resolve(ctx, t, "select")
	if err != nil {
		return Element{}, s.fail("select in "+t.String(), err)
	}
	el := res.El.element()
	if el.Disabled {
		return el, s.fail("select in "+el.Label(), fmtErr(ErrNotActionable, "%s is disabled", el.Label()))
	}
	var chosen struct {
		Chosen string `json:"chosen"`
	}
	if err := s.callAgent(ctx, "selectOption", &chosen, res.El.I, option); err != nil {
		return el, s.fail("select in "+el.Label(), err)
	}
	el.Value = chosen.Chosen
	return el, nil
}

func (s *wdSession) PressKey(ctx context.Context, key string) error {
	mods, k, err := parseKeyCombo(key)
	if err != nil {
		return fmt.Errorf("browser: press key: %w", err)
	}
	ctx, done, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer done()
	if s.cdp {
		err = s.cdpCombo(ctx, mods, k)
	} else {
		var acts []webdriver.Action
		for _, m := range mods {
			acts = append(acts, webdriver.KeyDown(m.w3c))
		}
		acts = append(acts, webdriver.KeyDown(k.w3c), webdriver.KeyUp(k.w3c))
		for i := len(mods) - 1; i >= 0; i-- {
			acts = append(acts, webdriver.KeyUp(mods[i].w3c))
		}
		err = s.wd.PerformActions(ctx, webdriver.Keyboard(acts...))
	}
	if err != nil {
		return s.fail("press "+key, err)
	}
	return nil
}

func (s *wdSession) cdpCombo(ctx context.Context, mods []keyDef, k keyDef) error {
	held := 0
	for _, m := range mods {
		held |= m.mod
		if err := s.cdpKeyEvent(ctx, m, held, true); err != nil {
			return err
		}
	}
	if err := s.cdpKey(ctx, k, held); err != nil {
		return err
	}
	for i := len(mods) - 1; i >= 0; i-- {
		held &^= mods[i].mod
		if err := s.cdpKeyEvent(ctx, mods[i], held, false); err != nil {
			return err
		}
	}
	return nil
}

func (s *wdSession) Scroll(ctx context.Context, opts ScrollOptions) error {
	if opts.Target == nil && opts.DeltaX == 0 && opts.DeltaY == 0 {
		return fmt.Errorf("browser: scroll: %w", fmtErr(ErrInvalidTarget, "set a target or a non-zero delta"))
	}
	ctx, done, err := s.begin(ctx)
	if err != nil {
		return err
	}
	defer done()
	if opts.Target != nil {
		res, err := s.resolve(ctx, *opts.Target, "locate")
		if err != nil {
			return s.fail("scroll to "+opts.Target.String(), err)
		}
		if err := s.callAgent(ctx, "scrollTo", nil, res.El.I); err != nil {
			return s.fail("scroll to "+opts.Target.String(), err)
		}
		return nil
	}
	if err := s.callAgent(ctx, "scroll", nil, opts.DeltaX, opts.DeltaY); err != nil {
		return s.fail("scroll", err)
	}
	return nil
}

func (s *wdSession) Upload(ctx context.Context, t Target, path string) (Element, error) {
	abs, err := filepath.Abs(path)
	if err != nil {
		return Element{}, fmt.Errorf("browser: upload %q: %w", path, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return Element{}, fmt.Errorf("browser: upload: %w", err)
	}
	if !fi.Mode().IsRegular() {
		return Element{}, fmt.Errorf("browser: upload %q: %w", path, fmtErr(ErrInvalidTarget, "not a regular file"))
	}
	ctx, done, err := s.begin(ctx)
	if err != nil {
		return Element{}, err
	}
	defer done()
	res, err := s.resolve(ctx, t, "upload")
	if err != nil {
		return Element{}, s.fail("upload to "+t.String(), err)
	}
	el := res.El.element()
	remote := abs
	if s.cfg.UploadFile != nil {
		if remote, err = s.cfg.UploadFile(ctx, abs); err != nil {
			return el, s.fail("upload to "+el.Label(), fmt.Errorf("copy file to the browser: %w", err))
		}
	}
	input, restore, err := s.classicElement(ctx, res.El.TI, res.Frames)
	if err != nil {
		return el, s.fail("upload to "+el.Label(), err)
	}
	defer restore()
	if err := input.SendKeys(ctx, remote); err != nil {
		return el, s.fail("upload to "+el.Label(), err)
	}
	return el, nil
}
