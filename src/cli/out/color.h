/* Terminal colours: the one place their escape sequences are spelled. */
#ifndef CLI_COLOR_H
#define CLI_COLOR_H

#define C_RESET "\033[0m"
#define C_BOLD "\033[1m"
#define C_RED "\033[1;31m"
#define C_MAGENTA "\033[1;35m"
#define C_YELLOW "\033[1;33m"
#define C_CYAN "\033[1;36m"
#define C_GREEN "\033[1;32m"
#define C_DIM "\033[2m"

#endif
