package agent

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"

	"github.com/argusqa/argus/agent/llm"
)

// Tool names the model may call.
const (
	toolNavigate = "navigate"
	toolClick    = "click"
	toolType     = "type"
	toolSelect   = "select"
	toolPressKey = "press_key"
	toolScroll   = "scroll"
	toolWaitFor  = "wait_for"
	toolGoBack   = "go_back"
	toolUpload   = "upload_file"
	toolExtract  = "extract"
	toolAssert   = "assert"
	toolFinish   = "finish"
	toolReadMail = "read_email"
	toolRemember = "remember"
)

// toolArgs is the union of every tool's arguments; each tool reads its own.
type toolArgs struct {
	URL        string `json:"url,omitempty"`
	Index      int    `json:"index,omitempty"`
	Text       string `json:"text,omitempty"`
	Clear      *bool  `json:"clear,omitempty"`
	Submit     bool   `json:"submit,omitempty"`
	Option     string `json:"option,omitempty"`
	Key        string `json:"key,omitempty"`
	Direction  string `json:"direction,omitempty"`
	Timeout    int    `json:"timeout_seconds,omitempty"`
	File       string `json:"file,omitempty"`
	What       string `json:"what,omitempty"`
	Check      string `json:"check,omitempty"`
	Value      string `json:"value,omitempty"`
	Checkpoint string `json:"checkpoint,omitempty"`
	Verdict    string `json:"verdict,omitempty"`
	Summary    string `json:"summary,omitempty"`
	To         string `json:"to,omitempty"`
	Subject    string `json:"subject,omitempty"`
	Since      string `json:"since,omitempty"`
	Name       string `json:"name,omitempty"`
}

// decodeArgs reads a tool call's arguments strictly, so a misspelt field is
// reported to the model instead of silently ignored.
func decodeArgs(raw json.RawMessage) (toolArgs, error) {
	var a toolArgs
	if len(bytes.TrimSpace(raw)) == 0 || string(bytes.TrimSpace(raw)) == "null" {
		return a, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&a); err != nil {
		return a, fmt.Errorf("invalid arguments: %v", err)
	}
	return a, nil
}

// asMap returns the arguments as they would be recorded.
func (a toolArgs) asMap() map[string]any {
	b, _ := json.Marshal(a)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

func schema(props string, required ...string) json.RawMessage {
	req := ""
	if len(required) > 0 {
		req = `,"required":["` + strings.Join(required, `","`) + `"]`
	}
	return json.RawMessage(`{"type":"object","properties":{` + props + `}` + req + `}`)
}

const indexProp = `"index":{"type":"integer","minimum":1,"description":"the element's [index] from the latest observation"}`

// tools are the functions offered to the model. Descriptions are part of
// the prompt: they say when to use a tool as well as what it does.
func tools(remember bool) []llm.Tool {
	ts := baseTools()
	if remember {
		ts = append(ts, llm.Tool{Name: toolRemember, Description: "Keep a value shown on the page for the later tests of this plan, which use it as {{vars.NAME}}: text is the label the value stands next to (\"Order number\" for \"Order number: A-1042\"); Argus reads the value from the page itself.",
			Parameters: schema(`"name":{"type":"string","description":"letters, digits and _, e.g. order_id"},"text":{"type":"string"}`, "name", "text")})
	}
	return ts
}

func baseTools() []llm.Tool {
	return []llm.Tool{
		{Name: toolNavigate, Description: "Load a URL: absolute, or a path relative to the application's base URL. Use it to start or when the test says to go somewhere; do not use it to skip a step that is broken.",
			Parameters: schema(`"url":{"type":"string"}`, "url")},
		{Name: toolClick, Description: "Click an element by its index, with real mouse input.",
			Parameters: schema(indexProp, "index")},
		{Name: toolType, Description: "Type text into a field. Write secrets as their placeholders, e.g. {{secret.password}}; the real value is filled in for you. For a one-time code from an authenticator, type {{totp.NAME}} on its own; the current code is filled in. Replaces the field's content unless clear is false.",
			Parameters: schema(indexProp+`,"text":{"type":"string"},"clear":{"type":"boolean","description":"empty the field first (default true)"},"submit":{"type":"boolean","description":"press Enter after typing"}`, "index", "text")},
		{Name: toolSelect, Description: "Choose an option of a select element by its label or value.",
			Parameters: schema(indexProp+`,"option":{"type":"string"}`, "index", "option")},
		{Name: toolPressKey, Description: `Press a key or combination on the focused element, e.g. "Enter", "Escape", "Tab", "ArrowDown", "Control+a".`,
			Parameters: schema(`"key":{"type":"string"}`, "key")},
		{Name: toolScroll, Description: "Scroll the page up or down by most of a screen, or scroll an element (by index) into view.",
			Parameters: schema(`"direction":{"type":"string","enum":["up","down"]},` + indexProp)},
		{Name: toolWaitFor, Description: "Wait until the page shows a text, or its URL contains a part, for at most timeout_seconds (default 10, at most 60).",
			Parameters: schema(`"text":{"type":"string"},"url":{"type":"string"},"timeout_seconds":{"type":"integer","minimum":1,"maximum":60}`)},
		{Name: toolGoBack, Description: "Go back one page in the browser's history.", Parameters: schema(``)},
		{Name: toolUpload, Description: "Put one of the test's files into a file input.",
			Parameters: schema(indexProp+`,"file":{"type":"string","description":"the file's name, from the list in the task"}`, "index", "file")},
		{Name: toolExtract, Description: "Read more of the page than the observation shows: \"html\" returns the raw HTML (at most 15,000 characters), \"text\" the visible text (at most 8,000). Use it only when the observation is not enough.",
			Parameters: schema(`"what":{"type":"string","enum":["html","text"]}`, "what")},
		{Name: toolAssert, Description: "Check something on the current page; Argus verifies it itself. check is one of: text (the page shows value), no_text (it does not), url (the URL contains value), title (the title contains value), visible (an element whose name or text is value is visible), no_console_errors, no_failed_requests (no request of the page failed), no_failed_app_requests (none to the application's own origin). Name the checkpoint this proves, if any. A checkpoint counts only when an assert verified it.",
			Parameters: schema(`"check":{"type":"string","enum":["text","no_text","url","title","visible","no_console_errors","no_failed_requests","no_failed_app_requests"]},"value":{"type":"string"},"checkpoint":{"type":"string"}`, "check")},
		{Name: toolReadMail, Description: "Read the mail the application sent during this test, newest first, at most 5: subject, sender, preview, links and one-time codes. to defaults to your own address {{email.address}} (type that placeholder into sign-up forms); subject keeps messages whose subject contains it; since is a duration ago (10m) or an RFC 3339 time. Links and codes are shown as placeholders: navigate to {{email.link.N}}, type {{email.code.N}}.",
			Parameters: schema(`"to":{"type":"string"},"subject":{"type":"string"},"since":{"type":"string"}`)},
		{Name: toolFinish, Description: "End the test. verdict passed: everything the test asks for happened and every checkpoint was verified with assert. verdict failed: the application did not do what the test says (a broken page, a missing result, an error) — say what went wrong and where. Never work around a broken flow to reach passed.",
			Parameters: schema(`"verdict":{"type":"string","enum":["passed","failed"]},"summary":{"type":"string","description":"one to three sentences a QA engineer can act on"}`, "verdict", "summary")},
	}
}
