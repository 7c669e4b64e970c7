package agent

import "github.com/argusqa/argus/agent/llm"

// conversation is the message history sent to the model. Only the latest
// observation is sent in full: earlier ones are replaced by a one-line
// stub, so the prompt grows by a few hundred tokens per turn instead of a
// whole page, and the model is never tempted to act on an outdated index.
type conversation struct {
	entries []entry
}

type entry struct {
	msg llm.Message
	// stub replaces an observation once a newer one exists; empty for
	// messages that are always sent whole.
	stub string
}

func (c *conversation) add(m llm.Message) { c.entries = append(c.entries, entry{msg: m}) }

func (c *conversation) addObservation(m llm.Message, url string) {
	c.entries = append(c.entries, entry{msg: m, stub: "[earlier observation of " + url + " omitted]"})
}

func (c *conversation) messages() []llm.Message {
	last := -1
	for i, e := range c.entries {
		if e.stub != "" {
			last = i
		}
	}
	out := make([]llm.Message, len(c.entries))
	for i, e := range c.entries {
		if e.stub != "" && i != last {
			out[i] = llm.User(llm.Text(e.stub))
			continue
		}
		out[i] = e.msg
	}
	return out
}
