/** Body rules every gather shares, a call's and a conference participant's. */
import { errors } from '../model/errors.js';

/** minimum_digits may not exceed maximum_digits (each defaults to its bound: 1 and 128). */
export const minNotAboveMax = (b: { minimum_digits?: number; maximum_digits?: number }) => {
  if ((b.minimum_digits ?? 1) > (b.maximum_digits ?? 128)) {
    throw errors.invalid('minimum_digits', "'minimum_digits' cannot be greater than 'maximum_digits'.");
  }
};
