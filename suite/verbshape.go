package suite

// need says whether a step field is used by a verb.
type need uint8

const (
	unused   need = iota // must be zero
	required             // must be set
	optional             // may be set
)

// shape is which fields of a Step a verb uses and what its Value holds.
// Validate checks a Step against its verb's shape; a new verb is one row
// in verbShapes plus its spelling in the parser.
type shape struct {
	value    need
	kind     valueKind
	target   need
	key      need
	duration need
	// emptyValue accepts "" as a value: typing nothing clears the field.
	emptyValue bool
	// to: the verb needs a recipient (Step.To).
	to bool
}

var verbShapes = [numVerbs]shape{
	VerbNavigate:                  {value: required, kind: valueURL},
	VerbBack:                      {},
	VerbReload:                    {},
	VerbClick:                     {target: required},
	VerbType:                      {value: optional, kind: valueSecretOK, target: required, emptyValue: true},
	VerbClear:                     {target: required},
	VerbSelect:                    {value: required, target: required},
	VerbCheck:                     {target: required},
	VerbUncheck:                   {target: required},
	VerbPress:                     {key: required, target: optional},
	VerbScrollDown:                {},
	VerbScrollUp:                  {},
	VerbScrollTo:                  {target: required},
	VerbUpload:                    {value: required, kind: valuePath, target: required},
	VerbWait:                      {duration: required},
	VerbWaitFor:                   {target: required, duration: optional},
	VerbWaitForURL:                {value: required, kind: valueURLPart, duration: optional},
	VerbExpectText:                {value: required, kind: valueSecretOK},
	VerbExpectNoText:              {value: required, kind: valueSecretOK},
	VerbExpectURL:                 {value: required, kind: valueURLPart},
	VerbExpectTitle:               {value: required},
	VerbExpectVisible:             {target: required},
	VerbExpectHidden:              {target: required},
	VerbExpectNoConsoleErrors:     {},
	VerbTypeTOTP:                  {value: required, kind: valueTOTP, target: required},
	VerbExpectNoFailedRequests:    {},
	VerbExpectNoFailedAppRequests: {},
	VerbExpectEmail:               {value: optional, to: true, duration: optional},
	VerbOpenEmailLink:             {value: required},
	VerbTypeEmailCode:             {target: required},
	VerbRemember:                  {value: required, kind: valueVarName, target: required},
}
