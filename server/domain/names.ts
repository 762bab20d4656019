// Names compared the way reps type them: the rule lives in shared/name-fold.ts, so the server's
// search and the desktop's offline search agree.
export { foldName as normaliseName, nameSearchTokens as searchTokens } from '../../shared/name-fold';
