// The demo workspace's sign-ins, shared with the desktop's first-run screen and the tests.
export const DEMO_PASSWORD = 'converse-demo';

export const DEMO_ACCOUNTS = {
  admin: { email: 'admin@converse.demo', name: 'Ada Admin', role: 'admin' as const },
  rita: { email: 'rita@converse.demo', name: 'Rita Rep', role: 'sales' as const },
  sam: { email: 'sam@converse.demo', name: 'Sam Sales', role: 'sales' as const },
};

/** The permission template Sam is under: it masks lead phone numbers. */
export const DEMO_MASKING_TEMPLATE = { name: 'Restrict Access – View Lead', maskedFields: ['phones' as const] };

export const DEMO_LEADS = {
  maria: { firstName: 'Maria', lastName: 'Garcia', phones: ['+14155550134', '+14155550178'] },
  jose: { firstName: 'José', lastName: 'Núñez', phones: ['+14155550145'] },
};
