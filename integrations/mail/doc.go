// Package mail is Argus's built-in test mailbox: a receive-only SMTP server
// (github.com/emersion/go-smtp) that applications under test send their
// confirmation, magic-link and one-time-code mail to, and the one shape a
// test reads such mail in (subject, from, to, received, preview, links and
// the one-time codes found in the body).
//
// Addresses are local@label.DOMAIN, where DOMAIN is ARGUS_MAIL_DOMAIN and
// label names one project's mailbox. Any local part reaches the project's
// catch-all mailbox; every agent gets a fresh local part of its own
// ([NewAddress]) so parallel agents never read each other's mail.
//
// The receiver never relays or sends: a recipient outside DOMAIN, or in a
// label no project owns, is refused at RCPT TO (550 5.1.1). A message
// larger than Config.MaxMessageBytes (10 MiB) is refused with 552, a
// project holding Config.Quota messages answers 452, and a message whose
// MIME structure cannot be read is answered 554 5.6.0 — the session goes
// on, nothing panics (FuzzParse runs the parser on arbitrary input).
//
// Where messages are kept is a [Store]: the database for `argus serve`
// (store.MailStore, sealed and tenant-scoped), or [Memory] for `argus run`.
package mail
