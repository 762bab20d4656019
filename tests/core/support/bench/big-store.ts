// Builds a large local store for the search and start benchmarks: 100,000 leads and 1,000,000
// messages over 20,000 conversations, written through the real schema (migrations, FTS
// triggers) so search runs against exactly what the app would hold.
import { LocalStore } from '../../../../main/core/store/local-store';
import { nameKey } from '../../../../main/core/store/migrations';

export const FIRST_NAMES = ['Maria', 'José', 'James', 'Mary', 'Robert', 'Patricia', 'John', 'Jennifer', 'Michael', 'Linda', 'David', 'Elizabeth', 'William', 'Barbara', 'Richard', 'Susan', 'Joseph', 'Jessica', 'Thomas', 'Sarah', 'Carlos', 'Karen', 'Daniel', 'Lisa', 'Matthew', 'Nancy', 'Anthony', 'Betty', 'Mark', 'Sandra', 'Priya', 'Ashley', 'Steven', 'Kimberly', 'Paul', 'Emily', 'Andrew', 'Donna', 'Joshua', 'Michelle', 'Kenji', 'Carol', 'Kevin', 'Amanda', 'Brian', 'Melissa', 'George', 'Deborah', 'Timothy', 'Stephanie', 'Ronald', 'Rebecca', 'Edward', 'Sharon', 'Jason', 'Laura', 'Jeffrey', 'Cynthia', 'Ryan', 'Aisha', 'Jacob', 'Amy', 'Gary', 'Angela', 'Nicholas', 'Shirley', 'Eric', 'Anna', 'Jonathan', 'Brenda', 'Stephen', 'Pamela', 'Larry', 'Emma', 'Justin', 'Nicole', 'Scott', 'Helen', 'Brandon', 'Samantha', 'Benjamin', 'Katherine', 'Samuel', 'Christine', 'Gregory', 'Debra', 'Alexander', 'Rachel', 'Frank', 'Carolyn', 'Patrick', 'Janet', 'Raymond', 'Catherine', 'Jack', 'Maria', 'Dennis', 'Heather', 'Jerry', 'Diane', 'Tyler', 'Ruth', 'Aaron', 'Julie', 'Jose', 'Olivia', 'Adam', 'Joyce', 'Nathan', 'Virginia', 'Henry', 'Victoria', 'Douglas', 'Kelly', 'Zachary', 'Lauren', 'Peter', 'Christina', 'Kyle', 'Joan', 'Ethan', 'Evelyn', 'Walter', 'Judith', 'Noah', 'Megan', 'Jeremy', 'Andrea', 'Christian', 'Cheryl', 'Keith', 'Hannah', 'Roger', 'Jacqueline', 'Terry', 'Martha', 'Gerald', 'Gloria', 'Harold', 'Teresa', 'Sean', 'Ann', 'Austin', 'Sara', 'Carl', 'Madison', 'Arthur', 'Frances', 'Lawrence', 'Kathryn', 'Dylan', 'Janice', 'Jesse', 'Jean', 'Jordan', 'Abigail', 'Bryan', 'Alice', 'Billy', 'Julia', 'Joe', 'Judy', 'Bruce', 'Sophia', 'Gabriel', 'Grace', 'Logan', 'Denise', 'Albert', 'Amber', 'Willie', 'Doris', 'Alan', 'Marilyn', 'Juan', 'Danielle', 'Wayne', 'Beverly', 'Elijah', 'Isabella', 'Randy', 'Theresa', 'Roy', 'Diana', 'Vincent', 'Natalie', 'Ralph', 'Brittany', 'Eugene', 'Charlotte', 'Russell', 'Marie', 'Bobby', 'Kayla', 'Mason', 'Alexis', 'Philip', 'Lori'];
export const LAST_NAMES = ['Garcia', 'Núñez', 'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Miller', 'Davis', 'Rodriguez', 'Martinez', 'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin', 'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson', 'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores', 'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts', 'Gomez', 'Phillips', 'Evans', 'Turner', 'Diaz', 'Parker', 'Cruz', 'Edwards', 'Collins', 'Reyes', 'Stewart', 'Morris', 'Morales', 'Murphy', 'Cook', 'Rogers', 'Gutierrez', 'Ortiz', 'Morgan', 'Cooper', 'Peterson', 'Bailey', 'Reed', 'Kelly', 'Howard', 'Ramos', 'Kim', 'Cox', 'Ward', 'Richardson', 'Watson', 'Brooks', 'Chavez', 'Wood', 'James', 'Bennett', 'Gray', 'Mendoza', 'Ruiz', 'Hughes', 'Price', 'Alvarez', 'Castillo', 'Sanders', 'Patel', 'Myers', 'Long', 'Ross', 'Foster', 'Jimenez', 'Powell', 'Jenkins', 'Perry', 'Russell', 'Sullivan', 'Bell', 'Coleman', 'Butler', 'Henderson', 'Barnes', 'Gonzales', 'Fisher', 'Vasquez', 'Simmons', 'Romero', 'Jordan', 'Patterson', 'Alexander', 'Hamilton', 'Graham', 'Reynolds', 'Griffin', 'Wallace', 'Moreno', 'West', 'Cole', 'Hayes', 'Bryant', 'Herrera', 'Gibson', 'Ellis', 'Tran', 'Medina', 'Aguilar', 'Stevens', 'Murray', 'Ford', 'Castro', 'Marshall', 'Owens', 'Harrison', 'Fernandez', 'McDonald', 'Woods', 'Washington', 'Kennedy', 'Wells', 'Vargas', 'Henry', 'Chen', 'Freeman', 'Webb', 'Tucker', 'Guzman', 'Burns', 'Crawford', 'Olson', 'Simpson', 'Porter', 'Hunter', 'Gordon', 'Mendez', 'Silva', 'Shaw', 'Snyder', 'Mason', 'Dixon', 'Munoz', 'Hunt', 'Hicks', 'Holmes', 'Palmer', 'Wagner', 'Black', 'Robertson', 'Boyd', 'Rose', 'Stone', 'Salazar', 'Fox', 'Warren', 'Mills', 'Meyer', 'Rice', 'Schmidt', 'Garza', 'Daniels', 'Ferguson', 'Nichols', 'Stephens', 'Soto', 'Weaver', 'Ryan', 'Gardner', 'Payne', 'Grant', 'Dunn', 'Kelley', 'Spencer', 'Hawkins', 'Arnold', 'Pierce', 'Vazquez', 'Hansen', 'Peters', 'Santos', 'Hart', 'Bradley', 'Knight', 'Elliott', 'Cunningham', 'Duncan', 'Armstrong', 'Hudson', 'Carroll', 'Lane', 'Riley', 'Andrews', 'Alvarado', 'Ray', 'Delgado', 'Berry', 'Perkins', 'Hoffman', 'Johnston', 'Matthews', 'Pena', 'Richards', 'Contreras', 'Willis', 'Carpenter', 'Lawrence', 'Sandoval', 'Guerrero', 'George', 'Chapman', 'Rios', 'Estrada', 'Ortega', 'Watkins', 'Greene', 'Nunez', 'Wheeler', 'Valdez', 'Harper', 'Burke', 'Larson', 'Santiago', 'Maldonado', 'Morrison', 'Franklin', 'Carlson', 'Austin', 'Dominguez', 'Carr', 'Lawson', 'Jacobs', 'Obrien', 'Lynch', 'Singh', 'Vega', 'Bishop', 'Montgomery', 'Oliver', 'Jensen', 'Harvey', 'Williamson', 'Gilbert', 'Dean', 'Sims', 'Espinoza', 'Howell', 'Li', 'Wong', 'Reid', 'Hanson', 'Le', 'McCoy', 'Garrett', 'Burton', 'Fuller', 'Wang', 'Weber', 'Welch', 'Rojas', 'Lucas', 'Marquez', 'Fields', 'Park', 'Yang', 'Little', 'Banks', 'Padilla', 'Day', 'Walsh', 'Bowman', 'Schultz', 'Luna', 'Fowler', 'Mejia', 'Davidson', 'Acosta', 'Brewer', 'May', 'Holland', 'Juarez', 'Newman', 'Pearson', 'Curtis', 'Cortez', 'Douglas', 'Schneider', 'Joseph', 'Barrett', 'Navarro', 'Figueroa', 'Keller', 'Avila', 'Wade', 'Molina', 'Stanley', 'Hopkins', 'Campos', 'Barnett', 'Bates', 'Chambers', 'Caldwell', 'Beck', 'Lambert', 'Miranda', 'Byrd', 'Craig', 'Ayala', 'Lowe', 'Frazier', 'Powers', 'Neal', 'Leonard', 'Gregory', 'Carrillo', 'Sutton', 'Fleming', 'Rhodes', 'Shelton', 'Schwartz', 'Norris', 'Jennings', 'Watts', 'Duran', 'Walters', 'Cohen', 'McDaniel', 'Moran', 'Parks', 'Steele', 'Vaughn', 'Becker', 'Holt', 'Deleon', 'Barker', 'Terry', 'Hale', 'Leon', 'Hail', 'Benson', 'Haynes', 'Horton', 'Miles', 'Lyons', 'Pham', 'Graves', 'Bush', 'Thornton', 'Wolfe', 'Warner', 'Cabrera', 'McKinney', 'Mann', 'Zimmerman', 'Dawson', 'Lara', 'Fletcher', 'Page', 'McCarthy', 'Love', 'Robles', 'Cervantes', 'Solis', 'Erickson', 'Reeves', 'Chang', 'Klein', 'Salinas', 'Fuentes', 'Baldwin', 'Daniel', 'Simon', 'Velasquez', 'Hardy', 'Higgins', 'Aguirre', 'Lin', 'Cummings', 'Chandler', 'Sharp', 'Barber', 'Bowen', 'Ochoa', 'Dennis', 'Robbins', 'Liu', 'Ramsey', 'Francis', 'Griffith', 'Paul', 'Blair', 'Oconnor', 'Cardenas', 'Pacheco', 'Cross', 'Calderon', 'Quinn', 'Moss', 'Swanson', 'Chan', 'Rivas', 'Khan', 'Rodgers', 'Serrano', 'Fitzgerald', 'Rosales', 'Stevenson', 'Christensen', 'Manning', 'Gill', 'Curry', 'McLaughlin', 'Harmon', 'McGee', 'Gross', 'Doyle', 'Garner', 'Newton', 'Burgess', 'Reese', 'Walton', 'Blake', 'Trujillo', 'Adkins', 'Brady', 'Goodman', 'Roman', 'Webster', 'Goodwin', 'Fischer', 'Huang', 'Potter', 'Delacruz', 'Montoya', 'Todd', 'Wu', 'Hines', 'Mullins', 'Castaneda', 'Malone', 'Cannon', 'Tate', 'Mack', 'Sherman', 'Hubbard', 'Hodges', 'Zhang', 'Guerra', 'Wolf', 'Valencia', 'Saunders', 'Franco', 'Rowe', 'Gallagher', 'Farmer', 'Hammond', 'Hampton', 'Townsend', 'Ingram', 'Wise', 'Gallegos', 'Clarke', 'Barton', 'Schroeder', 'Maxwell', 'Waters', 'Logan', 'Camacho', 'Strickland', 'Norman', 'Person', 'Colon', 'Parsons', 'Frank', 'Harrington', 'Glover', 'Osborne', 'Buchanan', 'Casey', 'Floyd', 'Patton', 'Ibarra', 'Ball', 'Tyler', 'Suarez', 'Bowers', 'Orozco', 'Salas', 'Cobb', 'Gibbs', 'Andrade', 'Bauer', 'Conner', 'Moody', 'Escobar', 'McGuire', 'Lloyd', 'Mueller', 'Hartman', 'French', 'Kramer', 'McBride', 'Pope', 'Lindsey', 'Velazquez', 'Norton', 'McCormick', 'Sparks', 'Flynn', 'Yates', 'Hogan', 'Marsh', 'Macias', 'Villanueva', 'Zamora', 'Pratt', 'Stokes', 'Owen', 'Ballard', 'Lang', 'Brock', 'Villarreal', 'Charles', 'Drake', 'Barrera', 'Cain', 'Patrick', 'Pineda', 'Burnett', 'Mercado', 'Santana', 'Shepherd', 'Bautista', 'Ali', 'Shaffer', 'Lamb', 'Trevino', 'McKenzie', 'Hess', 'Beil', 'Olsen', 'Cochran', 'Morton', 'Nash', 'Wilkins', 'Petersen', 'Briggs', 'Shah', 'Roth', 'Nicholson', 'Holloway', 'Lozano'];

const SEED_WORDS = 'price quote order delivery invoice payment discount offer meeting call tomorrow today morning afternoon evening thanks please confirm schedule visit showroom model color size stock available shipping address refund warranty contract sign document photo details question answer budget financing loan insurance policy coverage premium renewal claim appointment reminder follow update status ready pickup install service repair manager team support account login password email phone number weekend holiday monday tuesday wednesday thursday friday saturday sunday january february march april june july august september october november december apartment house rent lease deposit viewing bedroom kitchen garden parking course class enrollment fees scholarship admission interview application form brochure catalog sample trial demo subscription plan upgrade cancel renew monthly yearly'.split(' ');

/** A deterministic vocabulary: the seed words plus generated ones, used with a Zipf-like skew. */
export function vocabulary(size = 5_000): string[] {
  const words = [...SEED_WORDS];
  const syll = ['ka', 'lo', 'mi', 'ren', 'tas', 'vo', 'pe', 'dri', 'sun', 'mor', 'zel', 'qua', 'bri', 'on', 'tel', 'fa'];
  let i = 0;
  while (words.length < size) {
    const a = syll[i % syll.length], b = syll[Math.floor(i / syll.length) % syll.length], c = syll[Math.floor(i / 256) % syll.length];
    words.push(`${a}${b}${c}${i % 7 === 0 ? 'x' : ''}`);
    i++;
  }
  return words;
}

/** Small seeded PRNG (mulberry32), so every run builds the same data. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export interface BigStoreInfo { file: string; messages: number; leads: number; conversations: number; buildMs: number; words: string[] }

export function buildBigStore(file: string, o: { messages?: number; leads?: number; conversations?: number } = {}): BigStoreInfo {
  const t0 = performance.now();
  const messages = o.messages ?? 1_000_000, leads = o.leads ?? 100_000, conversations = o.conversations ?? 20_000;
  const words = vocabulary();
  const rand = prng(42);
  const zipf = () => words[Math.floor(words.length * rand() ** 3)];
  const store = LocalStore.open(file);
  const db = store.db;
  db.pragma('synchronous = OFF');
  db.pragma('cache_size = -200000');
  // Index for search in one pass at the end (FTS5 'rebuild' is several times faster than a
  // trigger per row); the triggers come back unchanged, so the schema is the app's own.
  const triggers = db.prepare("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND name LIKE '%fts_insert'").all() as { name: string; sql: string }[];
  for (const t of triggers) db.exec(`DROP TRIGGER ${t.name}`);
  const baseMs = Date.parse('2025-01-01T00:00:00Z');
  const insertLead = db.prepare('INSERT INTO leads (id, first_name, last_name, email, updated_ms, data, first_key, last_key) VALUES (?, ?, ?, ?, ?, ?, ?, ?)');
  db.transaction(() => {
    for (let i = 0; i < leads; i++) {
      const first = FIRST_NAMES[Math.floor(rand() * FIRST_NAMES.length)];
      const last = LAST_NAMES[Math.floor(rand() * LAST_NAMES.length)];
      const id = `lead-${i}`;
      const email = `${first.toLowerCase()}.${last.toLowerCase()}${i}@example.com`;
      const data = `{"id":"${id}","firstName":"${first}","lastName":"${last}","email":"${email}","phones":[{"handle":"ph-${i}","display":"+1 415 555 ${String(i % 10000).padStart(4, '0')}","primary":true,"masked":false,"smsOptedOut":false}],"ownerId":"user-rita","ownerName":"Rita Rep","customFields":{},"masked":[],"updatedAt":"2025-01-01T00:00:00.000Z"}`;
      insertLead.run(id, first, last, email, baseMs, data, nameKey(first), nameKey(last));
    }
  })();
  const insertConv = db.prepare('INSERT INTO conversations (id, lead_id, channel, last_message_ms, data) VALUES (?, ?, ?, ?, ?)');
  const insertRead = db.prepare('INSERT INTO read_state (conversation_id, read_up_to, read_up_to_ms, pending) VALUES (?, ?, ?, 0)');
  const insertMsg = db.prepare(`INSERT INTO messages (id, server_id, client_id, conversation_id, lead_id, direction, status, body, created_ms, data)
    VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?, ?)`);
  const perConv = Math.ceil(messages / conversations);
  let written = 0;
  const CHUNK = 100_000;
  while (written < messages) {
    db.transaction(() => {
      const end = Math.min(messages, written + CHUNK);
      for (let m = written; m < end; m++) {
        const c = Math.floor(m / perConv);
        const leadId = `lead-${c * 5 % leads}`;
        const channel = c % 3 === 0 ? 'whatsapp' : 'sms';
        const convId = `${leadId}:${channel}`;
        const inbound = rand() < 0.5;
        const n = 6 + Math.floor(rand() * 12);
        let body = '';
        for (let w = 0; w < n; w++) body += (w ? ' ' : '') + zipf();
        const t = baseMs + m * 30_000;
        const at = new Date(t).toISOString();
        const id = `msg-${m}`;
        const data = `{"id":"${id}","clientId":null,"conversationId":"${convId}","leadId":"${leadId}","channel":"${channel}","direction":"${inbound ? 'inbound' : 'outbound'}","body":"${body}","phoneHandle":"ph-${c}","templateName":null,"attachment":null,"caption":null,"status":"${inbound ? 'received' : 'delivered'}","error":null,"authorUserId":null,"createdAt":"${at}","updatedAt":"${at}"}`;
        insertMsg.run(id, id, convId, leadId, inbound ? 'inbound' : 'outbound', inbound ? 'received' : 'delivered', body, t, data);
        if (m % perConv === perConv - 1 || m === messages - 1) {
          insertConv.run(convId, leadId, channel, t, `{"id":"${convId}","leadId":"${leadId}","channel":"${channel}","lastMessageAt":"${at}","lastMessagePreview":"${body.slice(0, 60)}","windowClosesAt":null}`);
          // the rep has read all but the newest few conversations
          const readTo = c >= conversations - 5 ? t - 10 * 30_000 : t;
          insertRead.run(convId, new Date(readTo).toISOString(), readTo);
        }
      }
      written = end;
    })();
  }
  db.exec(`INSERT INTO messages_fts(messages_fts) VALUES ('rebuild'); INSERT INTO leads_fts(leads_fts) VALUES ('rebuild');`);
  for (const t of triggers) db.exec(t.sql);
  db.prepare('UPDATE search_watermark SET seq = (SELECT max(seq) FROM messages) WHERE id = 1').run();
  store.state.setCommittedSeq(messages + leads);
  db.pragma('wal_checkpoint(TRUNCATE)');
  db.exec('ANALYZE');
  store.close();
  return { file, messages, leads, conversations, buildMs: performance.now() - t0, words };
}
