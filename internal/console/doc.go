// Package console is the operations console of an o2c service: server-
// rendered pages, without scripts, for the people who work the exceptions.
//
//	GET  BasePath                          open exceptions by owner (finance,
//	                                       operations, ecommerce) with age and
//	                                       SLA status, the state of the flows,
//	                                       a link to the settlement report
//	GET  BasePath exceptions/{id}          one exception, its history and the
//	                                       operations guide's section on its kind
//	POST BasePath exceptions/{id}/retry    export its order to the ERP again
//	POST BasePath exceptions/{id}/resolve  resolve it with a note
//	GET  BasePath settlement               the latest settlement report
//
// An exception's id is "kind:key", path-escaped, as reconcileapi spells it.
//
// The console does not authenticate: the host mounts it behind its guard
// (apiauth's Guard.Middleware), and the console records the guard's
// principal ("basic:alice") as who resolved an exception, refusing any
// action without one. Because browsers send Basic credentials with any
// request to the site, every action form carries a token (an HMAC of the
// principal under Config.Secret) and cross-origin POSTs are refused. Every
// page is sent with a Content-Security-Policy that allows no script.
//
// The console owns presentation only: exceptions come from a
// reconcile.ExceptionStore, and the flows' state, the retry of an export and
// the settlement report from functions the host provides.
package console
