#pragma once

#include "check_command_options.h"

class QTextStream;

/// `check --openapi FILE`: every operation of the description probed on the real wire from
/// --origin under each browser, printed as a matrix (operation × browser: the verdict, and the
/// step that failed). Returns 0 when every operation is readable, 1 when one is blocked, 2 for a
/// malformed description (nothing sent), 3 for a network failure.
int checkOpenApi(const CheckCommandOptions &options, QTextStream &out, QTextStream &err);
