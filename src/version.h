/* version.h - the version of aping, the one place it is written.
 *
 * The packages (packaging/build.sh), their tests and aping -V read it
 * from here. */
#ifndef AP_VERSION_H
#define AP_VERSION_H

#define AP_VERSION "0.1.0"

#endif
