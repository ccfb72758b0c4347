// Package registry is the social registry (参保登记, 社会救助对象库): persons,
// households and their members, organisations, employment spells,
// disability records, deaths and bank accounts.
//
// The Service validates every change, enforces the acting user's region scope
// and permissions, and hands the change to a Store, which writes it together
// with its audit event in one transaction. Validation errors are
// fault.Invalid with one entry per field at fault, named as in the JSON API.
package registry
