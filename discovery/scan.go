package discovery

import (
	"context"
	_ "embed"
	"encoding/json"
	"fmt"

	"github.com/argusqa/argus/browser"
)

//go:embed pagescan.js
var pageScanJS string

// scan is what pagescan.js returns about one page.
type scan struct {
	URL         string       `json:"url"`
	Title       string       `json:"title"`
	Headings    []string     `json:"headings"`
	Links       []scanLink   `json:"links"`
	Toggles     []scanTarget `json:"toggles"`
	ScriptLinks []scanTarget `json:"script_links"`
	Forms       []scanForm   `json:"forms"`
	Alerts      []string     `json:"alerts"`
	HasPassword bool         `json:"has_password"`
}

type scanLink struct {
	Href    string `json:"href"`
	Text    string `json:"text"`
	Visible bool   `json:"visible"`
	InNav   bool   `json:"in_nav"`
}

type scanTarget struct {
	CSS  string `json:"css"`
	Name string `json:"name"`
}

type scanForm struct {
	CSS        string       `json:"css"`
	ID         string       `json:"id"`
	Name       string       `json:"name"`
	Role       string       `json:"role"`
	Heading    string       `json:"heading"`
	Method     string       `json:"method"`
	Action     string       `json:"action"`
	NoValidate bool         `json:"novalidate"`
	Fields     []scanField  `json:"fields"`
	Submits    []scanTarget `json:"submits"`
	Visible    bool         `json:"visible"`
}

type scanField struct {
	Tag               string   `json:"tag"`
	Type              string   `json:"type"`
	Name              string   `json:"name"`
	ID                string   `json:"id"`
	Label             string   `json:"label"`
	Required          bool     `json:"required"`
	Pattern           string   `json:"pattern"`
	MinLength         string   `json:"minlength"`
	MaxLength         string   `json:"maxlength"`
	Min               string   `json:"min"`
	Max               string   `json:"max"`
	Autocomplete      string   `json:"autocomplete"`
	Options           []string `json:"options"`
	Hints             []string `json:"hints"`
	Invalid           bool     `json:"invalid"`
	ValidationMessage string   `json:"validation_message"`
	Visible           bool     `json:"visible"`
	CSS               string   `json:"css"`
}

// scanPage reads the current page.
func scanPage(ctx context.Context, s browser.Session) (*scan, error) {
	raw, err := s.ExecuteScript(ctx, pageScanJS)
	if err != nil {
		return nil, fmt.Errorf("scan page: %w", err)
	}
	var sc scan
	if err := json.Unmarshal(raw, &sc); err != nil {
		return nil, fmt.Errorf("scan page: %w", err)
	}
	return &sc, nil
}

// field returns the scanned form's field matching f by name, then id.
func (f *scanForm) field(name, id string) *scanField {
	for i := range f.Fields {
		if name != "" && f.Fields[i].Name == name || name == "" && id != "" && f.Fields[i].ID == id {
			return &f.Fields[i]
		}
	}
	return nil
}
