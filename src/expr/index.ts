/**
 * Expressions: the serializable AST, its validation, the JS compiler, the
 * reference interpreter and the run-time error they raise (an invalid regex from data).
 *
 * @module
 */

export { FUNCTIONS, ast, isFunctionName } from "./ast.ts";
export type { ArrayExpr, CallExpr, Expr, FieldExpr, FunctionName, Json, LitExpr, RowExpr, StructExpr } from "./ast.ts";
export { ExprCodec, validateExpr } from "./codec.ts";
export { compileExpr, compilePredicate, generatedSource } from "./compile-js.ts";
export { evaluate } from "./interpret.ts";
export { ExpressionError } from "./regex.ts";
