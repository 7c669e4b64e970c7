package provider

import (
	"fmt"
	"strconv"
	"strings"
)

// ParseModel splits ARGUS_MODEL's provider:model at the first colon, so model
// ids with colons (Ollama's "qwen2.5:7b") stay whole.
func ParseModel(spec string) (provider, model string, err error) {
	spec = strings.TrimSpace(spec)
	if spec == "" {
		return "", "", fmt.Errorf("ARGUS_MODEL is not set: use provider:model, e.g. gemini:gemini-2.5-flash or openai:gpt-4.1 (providers: %s)", namesList())
	}
	provider, model, ok := strings.Cut(spec, ":")
	provider = strings.ToLower(strings.TrimSpace(provider))
	model = strings.TrimSpace(model)
	if !ok || provider == "" || model == "" {
		return "", "", fmt.Errorf("ARGUS_MODEL=%q is not provider:model, e.g. gemini:gemini-2.5-flash or openai:gpt-4.1 (providers: %s)", spec, namesList())
	}
	return provider, model, nil
}

// FromEnv reads the model configuration from environment variables through
// getenv (os.Getenv in production, a map in tests):
//
//	ARGUS_MODEL         provider:model, e.g. vertex:gemini-2.5-flash (required)
//	ARGUS_MODEL_VISION  true|false: send screenshots to the model (default per provider)
//	gemini              GEMINI_API_KEY or GOOGLE_API_KEY (GOOGLE_API_KEY wins, as in the genai SDK);
//	                    GOOGLE_GEMINI_BASE_URL
//	vertex              GOOGLE_CLOUD_PROJECT, GOOGLE_CLOUD_LOCATION (or GOOGLE_CLOUD_REGION),
//	                    application default credentials; GOOGLE_VERTEX_BASE_URL
//	anthropic           ANTHROPIC_API_KEY; ANTHROPIC_BASE_URL
//	openai              OPENAI_API_KEY; OPENAI_BASE_URL
//	mistral, xai, deepseek, groq, cerebras
//	                    <NAME>_API_KEY; <NAME>_BASE_URL
//	ollama              OLLAMA_BASE_URL (default http://127.0.0.1:11434/v1); no key
//	vllm                VLLM_BASE_URL (required); VLLM_API_KEY if the server wants one
//	scripted            the model part is a script file: ARGUS_MODEL=scripted:demo.json
//
// Only the variables of the chosen provider are read. Errors say which
// variable is missing or malformed and what a valid value looks like.
func FromEnv(getenv func(string) string) (Config, error) {
	get := func(k string) string { return strings.TrimSpace(getenv(k)) }
	provider, model, err := ParseModel(getenv("ARGUS_MODEL"))
	if err != nil {
		return Config{}, err
	}
	c := Config{Provider: provider, Model: model}
	if v := get("ARGUS_MODEL_VISION"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return Config{}, fmt.Errorf("ARGUS_MODEL_VISION=%q is not a boolean: use true or false", v)
		}
		c.AcceptImages = &b
	}
	switch provider {
	case Gemini:
		c.APIKey = firstSet(get("GOOGLE_API_KEY"), get("GEMINI_API_KEY"))
		c.BaseURL = get("GOOGLE_GEMINI_BASE_URL")
	case Vertex:
		c.Project = get("GOOGLE_CLOUD_PROJECT")
		c.Location = firstSet(get("GOOGLE_CLOUD_LOCATION"), get("GOOGLE_CLOUD_REGION"))
		c.BaseURL = get("GOOGLE_VERTEX_BASE_URL")
	case Anthropic:
		c.APIKey = get("ANTHROPIC_API_KEY")
		c.BaseURL = get("ANTHROPIC_BASE_URL")
	case Scripted:
	default:
		ep, ok := openAICompatible[provider]
		if !ok {
			return Config{}, fmt.Errorf("ARGUS_MODEL=%s:%s: unknown provider %q (providers: %s)", provider, model, provider, namesList())
		}
		c.APIKey = get(ep.keyVar)
		c.BaseURL = get(ep.baseURLVar)
	}
	if err := c.WithDefaults().validate(); err != nil {
		return Config{}, err
	}
	return c, nil
}

func firstSet(vals ...string) string {
	for _, v := range vals {
		if v != "" {
			return v
		}
	}
	return ""
}
