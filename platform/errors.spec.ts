import { GraphQLError } from 'graphql';
import { badUserInput, createErrorFormatter } from './errors';

describe('error formatting', () => {
  const silent = () => {};

  it('keeps the message and code of a known client error, without a stack trace', () => {
    const format = createErrorFormatter({ development: false, log: silent });
    const error = badUserInput('"first" must be between 0 and 100; it was 500.', 'first');
    const formatted = format({ message: error.message, extensions: { ...error.extensions, stacktrace: ['at x'] } }, error);
    expect(formatted).toEqual({
      message: '"first" must be between 0 and 100; it was 500.',
      extensions: { code: 'BAD_USER_INPUT', argument: 'first' },
    });
  });

  it('hides anything unexpected (SQL, driver messages) outside development', () => {
    const format = createErrorFormatter({ development: false, log: silent });
    const leaked = new Error('relation "members.organisation" does not exist: SELECT * FROM members.organisation');
    const formatted = format(
      { message: leaked.message, path: ['organisation'], extensions: { code: 'INTERNAL_SERVER_ERROR', stacktrace: ['…'] } },
      new GraphQLError(leaked.message, { originalError: leaked }),
    );
    expect(formatted).toEqual({
      message: 'Internal server error',
      path: ['organisation'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('maps codes outside the closed set to INTERNAL_SERVER_ERROR', () => {
    const format = createErrorFormatter({ development: false, log: silent });
    const formatted = format({ message: 'boom', extensions: { code: 'SOMETHING_NEW' } }, new Error('boom'));
    expect(formatted.extensions?.code).toBe('INTERNAL_SERVER_ERROR');
  });

  it('shows the real message in development', () => {
    const format = createErrorFormatter({ development: true, log: silent });
    const formatted = format({ message: 'driver said no', extensions: { code: 'SOMETHING_NEW' } }, new Error('driver said no'));
    expect(formatted).toMatchObject({ message: 'driver said no', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
  });
});
