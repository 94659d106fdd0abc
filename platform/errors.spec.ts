import { GraphQLError } from 'graphql';
import { badUserInput, createErrorFormatter } from './errors';
import { withRequestBudget } from './request-budget';

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

  it('logs an unexpected error once: where it happened, not again when the gateway relays it masked', () => {
    const logged: unknown[] = [];
    const format = createErrorFormatter({ development: false, log: (error) => logged.push(error) });
    const fault = new Error('connection reset');
    format(
      { message: fault.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } },
      new GraphQLError(fault.message, { originalError: fault }),
    );
    expect(logged).toEqual([fault]);
    // What a subgraph answered after masking, as the gateway passes it on.
    const relayed = { message: 'Internal server error', path: ['viewer'], extensions: { code: 'INTERNAL_SERVER_ERROR', requestId: 'r-1' } };
    const formatted = format(relayed, relayed);
    expect(formatted).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(logged).toEqual([fault]);
  });

  it('does not log the statements of an abandoned request it cancelled itself, but does log a statement timeout', () => {
    const logged: unknown[] = [];
    const format = createErrorFormatter({ development: false, log: (error) => logged.push(error) });
    const cancelled = Object.assign(new Error('canceling statement due to user request'), { driverError: { code: '57014' } });
    // As a resolver's error reaches the formatter: wrapped, with the path of its field.
    const asMasked = (error: Error) =>
      format(
        { message: error.message, extensions: { code: 'INTERNAL_SERVER_ERROR' } },
        new GraphQLError(error.message, { originalError: error, path: ['innovations'] }),
      );
    const budget = (aborted: boolean) => {
      const controller = new AbortController();
      if (aborted) controller.abort();
      return { signal: controller.signal, responseBytesLeft: 1, timedOutSubgraphs: new Set<string>() };
    };
    const answered = withRequestBudget(budget(true), () => asMasked(cancelled));
    expect(answered).toMatchObject({ message: 'Internal server error', extensions: { code: 'INTERNAL_SERVER_ERROR' } });
    expect(logged).toEqual([]);
    const timedOut = Object.assign(new Error('canceling statement due to statement timeout'), { driverError: { code: '57014' } });
    withRequestBudget(budget(false), () => asMasked(timedOut));
    expect(logged).toEqual([timedOut]);
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

  it('maps database errors a request can cause in one place: bad values to BAD_USER_INPUT, a unique race to CONFLICT', () => {
    const format = createErrorFormatter({ development: false, log: silent });
    const driverFailure = (code: string) =>
      Object.assign(new Error(`duplicate key value violates unique constraint "person_email_key" (SELECT …)`), {
        query: 'INSERT INTO members.person …',
        driverError: { code },
      });
    const as = (code: string) =>
      format(
        { message: 'raw', path: ['x'], extensions: { code: 'INTERNAL_SERVER_ERROR' } },
        new GraphQLError('raw', { originalError: driverFailure(code), path: ['x'] }),
      );
    expect(as('23505')).toEqual({ message: expect.stringMatching(/already exists/), path: ['x'], extensions: { code: 'CONFLICT' } });
    for (const code of ['22P02', '22007', '22008', '22009']) {
      expect(as(code).extensions).toEqual({ code: 'BAD_USER_INPUT' });
      expect(as(code).message).not.toMatch(/SELECT|constraint|person/);
    }
    expect(as('42P01').extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });

  it('drops "Did you mean" suggestions outside development', () => {
    const format = createErrorFormatter({ development: false, log: silent });
    const formatted = format(
      {
        message:
          'Variable "$s" got invalid value "APPROVE"; Value "APPROVE" does not exist in "InnovationStatus" enum. Did you mean the enum value "APPROVED"?',
        extensions: { code: 'BAD_USER_INPUT' },
      },
      new Error('x'),
    );
    expect(formatted.message).not.toMatch(/Did you mean|APPROVED/);
  });
});
