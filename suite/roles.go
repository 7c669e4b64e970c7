package suite

// ariaRoles are the concrete WAI-ARIA 1.2 roles (abstract roles cannot be
// matched on a page). The most used come first so typo suggestions prefer
// them.
var ariaRoles = []string{
	"button", "link", "textbox", "checkbox", "radio", "combobox", "listbox",
	"option", "heading", "dialog", "alert", "alertdialog", "tab", "tabpanel",
	"tablist", "menu", "menubar", "menuitem", "menuitemcheckbox", "menuitemradio",
	"navigation", "main", "banner", "contentinfo", "complementary", "region",
	"form", "search", "searchbox", "switch", "slider", "spinbutton", "status",
	"progressbar", "img", "list", "listitem", "table", "row", "rowgroup", "cell",
	"columnheader", "rowheader", "grid", "gridcell", "treegrid", "tree",
	"treeitem", "tooltip", "article", "group", "radiogroup", "toolbar",
	"separator", "figure", "paragraph", "log", "marquee", "timer", "meter",
	"math", "note", "term", "definition", "document", "application", "feed",
	"scrollbar", "caption", "blockquote", "code", "emphasis", "strong",
	"deletion", "insertion", "subscript", "superscript", "time", "generic",
	"presentation", "none", "directory",
}

func knownRole(role string) bool {
	for _, r := range ariaRoles {
		if r == role {
			return true
		}
	}
	return false
}
