// Package insurance is the social insurance centre's daily work (社会保险经办):
// enrolment in the four schemes, the monthly contribution assessment,
// collection records posted here or imported from the tax bureau, arrears,
// and personal accounts with their yearly crediting interest.
//
// Every rate, base limit and average wage is a dated parameter of the policy
// package, read as of the first day of the contribution month; each
// assessment keeps the parameters it read.
package insurance
