package provider

import (
	"slices"
	"strings"
)

// endpoint describes an OpenAI-compatible provider.
type endpoint struct {
	baseURL     string // default base URL; "" means the user must give one
	keyVar      string // environment variable holding the API key
	keyRequired bool
	baseURLVar  string // environment variable overriding the base URL
	keyExample  string
	// vision is whether images are sent by default. On only where every
	// current model of the provider reads images; elsewhere a text-only
	// model would reject the request, so it is opt-in (ARGUS_MODEL_VISION).
	vision bool
	// legacyMaxTokens sends max_tokens rather than max_completion_tokens.
	legacyMaxTokens bool
}

// openAICompatible lists the OpenAI-compatible providers ARGUS_MODEL knows.
var openAICompatible = map[string]endpoint{
	"openai":   {baseURL: "https://api.openai.com/v1", keyVar: "OPENAI_API_KEY", keyRequired: true, baseURLVar: "OPENAI_BASE_URL", keyExample: "sk-...", vision: true},
	"mistral":  {baseURL: "https://api.mistral.ai/v1", keyVar: "MISTRAL_API_KEY", keyRequired: true, baseURLVar: "MISTRAL_BASE_URL", keyExample: "a 32-character key from console.mistral.ai", legacyMaxTokens: true},
	"xai":      {baseURL: "https://api.x.ai/v1", keyVar: "XAI_API_KEY", keyRequired: true, baseURLVar: "XAI_BASE_URL", keyExample: "xai-...", legacyMaxTokens: true},
	"deepseek": {baseURL: "https://api.deepseek.com", keyVar: "DEEPSEEK_API_KEY", keyRequired: true, baseURLVar: "DEEPSEEK_BASE_URL", keyExample: "sk-...", legacyMaxTokens: true},
	"groq":     {baseURL: "https://api.groq.com/openai/v1", keyVar: "GROQ_API_KEY", keyRequired: true, baseURLVar: "GROQ_BASE_URL", keyExample: "gsk_...", legacyMaxTokens: true},
	"cerebras": {baseURL: "https://api.cerebras.ai/v1", keyVar: "CEREBRAS_API_KEY", keyRequired: true, baseURLVar: "CEREBRAS_BASE_URL", keyExample: "csk-...", legacyMaxTokens: true},
	"ollama":   {baseURL: "http://127.0.0.1:11434/v1", keyVar: "OLLAMA_API_KEY", baseURLVar: "OLLAMA_BASE_URL", legacyMaxTokens: true},
	"vllm":     {keyVar: "VLLM_API_KEY", baseURLVar: "VLLM_BASE_URL", legacyMaxTokens: true},
}

// Provider names accepted before the colon of ARGUS_MODEL.
const (
	Gemini    = "gemini"
	Vertex    = "vertex"
	Anthropic = "anthropic"
	Scripted  = "scripted"
)

// Names returns every provider name ARGUS_MODEL accepts, sorted.
func Names() []string {
	names := []string{Gemini, Vertex, Anthropic, Scripted}
	for name := range openAICompatible {
		names = append(names, name)
	}
	slices.Sort(names)
	return names
}

func namesList() string { return strings.Join(Names(), ", ") }
