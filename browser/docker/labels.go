package docker

import "github.com/moby/moby/client"

// Labels on every container the provider starts. They let the reaper find
// what a crashed worker left behind and let operators see whose browser a
// container is.
const (
	// LabelManaged marks a container as Argus's; its value is "true".
	LabelManaged = "org.argusqa.managed"
	// LabelNode is the NodeName of the provider that started the
	// container; each node reaps only its own.
	LabelNode = "org.argusqa.node"
	// LabelAgent is the agent id the container was started for; empty for
	// a warm spare, which is renamed after the agent that takes it.
	LabelAgent = "org.argusqa.agent"
	// LabelOwner identifies the provider instance (one per process) that
	// started the container, so the reaper can tell its own containers from
	// those of a previous, crashed process on the same node.
	LabelOwner = "org.argusqa.owner"
)

// nodeFilter selects the Argus containers of one node.
func nodeFilter(node string) client.Filters {
	return make(client.Filters).Add("label", LabelManaged+"=true", LabelNode+"="+node)
}
